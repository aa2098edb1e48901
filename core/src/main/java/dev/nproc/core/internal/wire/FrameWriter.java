package dev.nproc.core.internal.wire;

import java.io.IOException;
import java.io.OutputStream;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Writes messages as frames. A frame is a header (a two-byte marker, the length of what follows
 * the header, the kind's code, the payload's length), the body (the message's fields), then the
 * payload ({@link Message#payload()}: the argument, result or environment), which goes to the
 * stream straight from its array. Frames are not flushed one by one: a writer that has several
 * to send writes them all and then calls {@link #flush()} once.
 *
 * <p>Not thread-safe: one thread writes at a time (the owner synchronizes, or owns the stream).
 */
public final class FrameWriter {
  /** The bytes that open every frame, "NP"; a stream that lacks them is corrupted. */
  public static final short MARKER = 0x4E50;
  /** The size of a frame's header: marker, length, kind, payload length. */
  public static final int HEADER_SIZE = 11;
  /**
   * What a frame's own fields may take beside its payloads: the allowance that every check of a
   * payload against {@code maxMessageSize} makes, in one place ({@link #fits}).
   */
  public static final int ENVELOPE_ALLOWANCE = 64;
  /** A buffer grown past this (by large fields) is dropped after its frame, so a pool does not keep it. */
  private static final int KEPT_BUFFER = 1 << 20;

  private final OutputStream out;
  private final int maxMessageSize;
  private Bytes<?> buffer = Bytes.allocateElasticOnHeap(64 * 1024);

  /**
   * Creates a writer.
   *
   * @param out the stream, ideally buffered
   * @param maxMessageSize the largest body allowed, in bytes
   */
  public FrameWriter(OutputStream out, int maxMessageSize) {
    this.out = out;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Tells whether payloads of this many bytes in all fit in one frame under the limit, with the
   * {@link #ENVELOPE_ALLOWANCE} for the frame's own fields. Callers check before they build a
   * message, so that an oversized value is refused with a message that names it.
   *
   * @param payloadBytes the payloads' bytes (a task's function and argument, a result, ...)
   * @param maxMessageSize the largest body allowed
   * @return whether they fit
   */
  public static boolean fits(long payloadBytes, int maxMessageSize) {
    return payloadBytes + ENVELOPE_ALLOWANCE <= maxMessageSize;
  }

  /**
   * Writes one message, without flushing.
   *
   * @param message the message
   * @return the number of bytes written
   * @throws MessageTooLargeException if the body is larger than the limit; nothing is written
   * @throws IOException if the stream fails
   */
  public int write(Message message) throws IOException {
    byte[] payload = message.payload();
    long needed = HEADER_SIZE + (long) message.sizeHint();
    if (needed > buffer.realCapacity()) {
      // One allocation of the right size; growing the buffer instead would double it step by
      // step, and Chronicle logs every such resize at INFO.
      buffer.releaseLast();
      buffer = Bytes.allocateElasticOnHeap((int) Math.min(needed, Integer.MAX_VALUE - 16));
    }
    Bytes<?> b = buffer;
    b.clear();
    b.writeShort(MARKER);
    b.writeInt(0);
    b.writeByte(message.kind().code());
    b.writeInt(payload.length);
    message.writeMarshallable(b);
    int head = (int) b.writePosition();
    long length = head - HEADER_SIZE + (long) payload.length;
    if (length > maxMessageSize) {
      shrink();
      throw new MessageTooLargeException(message.kind(), length, maxMessageSize);
    }
    b.writeInt(2, (int) length);
    out.write((byte[]) b.underlyingObject(), 0, head);
    out.write(payload);
    shrink();
    return head + payload.length;
  }

  /**
   * Flushes what was written.
   *
   * @throws IOException if the stream fails
   */
  public void flush() throws IOException {
    out.flush();
  }

  private void shrink() {
    if (buffer.realCapacity() > KEPT_BUFFER) {
      buffer.releaseLast();
      buffer = Bytes.allocateElasticOnHeap(64 * 1024);
    }
  }
}
