package dev.nproc.cluster.internal;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;

/**
 * A node's answer to a call: success with a number and a list of strings (what each call says
 * they are), or the error that explains a refusal. Immutable once read.
 */
public final class Reply implements IdentifiedDataSerializable {
  private String error;
  private int number;
  private String[] strings = new String[0];

  Reply() {}

  private Reply(String error, int number, String[] strings) {
    this.error = error;
    this.number = number;
    this.strings = strings;
  }

  static Reply ok() {
    return new Reply(null, 0, new String[0]);
  }

  static Reply ok(int number, String[] strings) {
    return new Reply(null, number, strings);
  }

  static Reply error(String error) {
    return new Reply(error, 0, new String[0]);
  }

  /** @return the error, or {@code null} on success */
  String error() {
    return error;
  }

  /** @return the number: a node's workers for Handshake and Open */
  int number() {
    return number;
  }

  /** @return the strings: the hashes a node lacks, for Handshake */
  String[] strings() {
    return strings;
  }

  @Override
  public int getFactoryId() {
    return Protocol.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return Protocol.REPLY;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(error);
    out.writeInt(number);
    out.writeStringArray(strings);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    error = in.readString();
    number = in.readInt();
    strings = in.readStringArray();
  }
}
