package dev.nproc.cluster.internal;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * What master and node agree on: the protocol version checked in the first exchange, the
 * Hazelcast names, and the one factory that builds nproc's messages, all
 * {@link IdentifiedDataSerializable} so that Hazelcast never needs Java serialization for them.
 * User objects never reach Hazelcast: they travel as nproc codec bytes inside these messages.
 * Stateless.
 */
public final class Protocol {
  /** The version of the messages below; master and node must agree on it exactly. */
  public static final int VERSION = 1;
  /** The factory id of nproc's messages (an arbitrary constant, far from Hazelcast's own). */
  public static final int FACTORY_ID = 0x6e70_7263; // "nprc"
  /** The executor service the master's calls run on, in each node. */
  public static final String EXECUTOR = "nproc";
  /** Where a node keeps its {@link NodeRuntime}, in the member's user context. */
  public static final String RUNTIME_KEY = "dev.nproc.cluster.node";

  static final int HANDSHAKE = 1;
  static final int UPLOAD = 2;
  static final int OPEN = 3;
  static final int SUBMIT = 4;
  static final int POLL = 5;
  static final int ANSWERS = 6;
  static final int CANCEL = 7;
  static final int CLOSE = 8;
  static final int REPLY = 20;
  static final int POLL_REPLY = 21;

  private Protocol() {}

  /** Builds nproc's messages by class id. */
  static final class Factory implements DataSerializableFactory {
    @Override
    public IdentifiedDataSerializable create(int classId) {
      return switch (classId) {
        case HANDSHAKE -> new Calls.Handshake();
        case UPLOAD -> new Calls.Upload();
        case OPEN -> new Calls.Open();
        case SUBMIT -> new Calls.Submit();
        case POLL -> new Calls.Poll();
        case ANSWERS -> new Calls.Answers();
        case CANCEL -> new Calls.Cancel();
        case CLOSE -> new Calls.Close();
        case REPLY -> new Reply();
        case POLL_REPLY -> new PollReply();
        default -> null;
      };
    }
  }

  /**
   * Registers nproc's messages and limits Hazelcast's Java deserialization to nproc's own
   * message classes (which never use it: they are {@link IdentifiedDataSerializable}); on both
   * members and clients.
   *
   * @param config the serialization config to change
   */
  public static void configure(SerializationConfig config) {
    config.addDataSerializableFactory(FACTORY_ID, new Factory());
    config.setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
        .setWhitelist(new ClassFilter().addPrefixes(Protocol.class.getPackageName() + ".")));
  }

  /**
   * Checks a caller's secret and protocol version; the first exchange of every session.
   *
   * @param expectedSecret the node's secret
   * @param secret the caller's
   * @param version the caller's protocol version
   * @return {@code null} if both match, else what does not, for the caller's error
   */
  static String mismatch(String expectedSecret, String secret, int version) {
    if (version != VERSION) {
      return "protocol version mismatch: the master speaks version " + version + ", this node version " + VERSION
          + " (use the same nproc version on master and nodes)";
    }
    if (!MessageDigest.isEqual(expectedSecret.getBytes(StandardCharsets.UTF_8),
        (secret == null ? "" : secret).getBytes(StandardCharsets.UTF_8))) {
      return "secret mismatch: the master's ClusterOptions.secret differs from the node's NodeOptions.secret"
          + " (--secret, or the NPROC_SECRET environment variable)";
    }
    return null;
  }
}
