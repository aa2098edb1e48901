package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/** A task's result, encoded by the codec. */
public final class Result extends Message {
  private long taskId;
  private byte[] value = NONE;

  Result() {}

  /**
   * Creates a result message.
   *
   * @param taskId the task's id
   * @param value the encoded result
   */
  public Result(long taskId, byte[] value) {
    this.taskId = taskId;
    this.value = value;
  }

  /** @return the task's id */
  public long taskId() {
    return taskId;
  }

  /** @return the encoded result */
  public byte[] value() {
    return value;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.RESULT;
  }

  @Override
  protected byte[] payload() {
    return value;
  }

  @Override
  protected void payload(byte[] payload) {
    value = payload;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeLong(taskId);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    taskId = in.readLong();
  }
}
