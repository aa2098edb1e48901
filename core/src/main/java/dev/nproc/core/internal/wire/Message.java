package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;
import net.openhft.chronicle.wire.BytesInBinaryMarshallable;

/**
 * One message of nproc's protocol between the master and a worker: a Chronicle Wire envelope
 * whose fields are written in a fixed binary order ({@link #writeBody}), framed by
 * {@link FrameWriter}. Payloads (functions, values, exceptions) are opaque bytes made by the
 * pool's codec. {@code toString()} prints the message as YAML, for the DEBUG trace.
 *
 * <p>Messages are mutable while being read or built and are then handed from one thread to
 * another through a safe publication (a queue); they are not otherwise thread-safe.
 */
public abstract class Message extends BytesInBinaryMarshallable {
  /** Bytes of an absent payload. */
  protected static final byte[] NONE = new byte[0];

  /** Only {@link MasterBound} and {@link WorkerBound}, in this package, extend this class. */
  Message() {}

  /**
   * Returns what kind of message this is; the kind's code precedes the body in a frame.
   *
   * @return the kind
   */
  public abstract MessageKind kind();

  /**
   * Returns about how many bytes the body takes, so the writer can size its buffer once.
   *
   * @return an estimate of the body's size
   */
  protected int sizeHint() {
    return 64;
  }

  /**
   * Returns the payload that travels after the body, written to the stream straight from this
   * array and read back into an array of its own, so a large argument or result is not copied
   * through the frame buffers. A kind has at most one such field (an argument, a result, an
   * environment); the others return an empty array.
   *
   * @return the payload, empty when there is none
   */
  protected byte[] payload() {
    return NONE;
  }

  /**
   * Takes the payload read after the body.
   *
   * @param payload the payload, empty when the frame has none
   * @throws ProtocolException if this kind carries no payload but the frame has one
   */
  protected void payload(byte[] payload) {
    if (payload.length != 0) {
      throw new ProtocolException(kind() + " carries no payload, but its frame has " + payload.length + " bytes of one");
    }
  }

  /**
   * Writes this message's fields.
   *
   * @param out where to write
   */
  protected abstract void writeBody(BytesOut<?> out);

  /**
   * Reads this message's fields, in the order {@link #writeBody} wrote them.
   *
   * @param in where to read
   */
  protected abstract void readBody(BytesIn<?> in);

  @Override
  public final void writeMarshallable(BytesOut<?> bytes) {
    writeBody(bytes);
  }

  @Override
  public final void readMarshallable(BytesIn<?> bytes) {
    readBody(bytes);
  }

  /**
   * Writes a length-prefixed byte array.
   *
   * @param out where to write
   * @param bytes the bytes, possibly empty
   */
  protected static void writeBytes(BytesOut<?> out, byte[] bytes) {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /**
   * Reads a byte array written by {@link #writeBytes}.
   *
   * @param in where to read
   * @return the bytes
   * @throws ProtocolException if the length is negative or larger than what is left
   */
  protected static byte[] readBytes(BytesIn<?> in) {
    int length = in.readInt();
    if (length < 0 || length > in.readRemaining()) {
      throw new ProtocolException("a field claims " + length + " bytes but the message has "
          + in.readRemaining() + " left");
    }
    if (length == 0) {
      return NONE;
    }
    byte[] bytes = new byte[length];
    in.read(bytes);
    return bytes;
  }

  /**
   * Writes a string that may be {@code null}.
   *
   * @param out where to write
   * @param s the string or {@code null}
   */
  protected static void writeText(BytesOut<?> out, String s) {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUtf8(s);
    }
  }

  /**
   * Reads a string written by {@link #writeText}.
   *
   * @param in where to read
   * @return the string or {@code null}
   */
  protected static String readText(BytesIn<?> in) {
    return in.readBoolean() ? in.readUtf8() : null;
  }
}
