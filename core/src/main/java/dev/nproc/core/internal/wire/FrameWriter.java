package dev.nproc.core.internal.wire;

import java.io.IOException;
import java.io.OutputStream;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Writes messages as frames: a two-byte marker, the body's length, the kind's code, the body.
 * Frames are not flushed one by one: a writer that has several to send writes them all and
 * then calls {@link #flush()} once.
 *
 * <p>Not thread-safe: one thread writes at a time (the owner synchronizes, or owns the stream).
 */
public final class FrameWriter {
  /** The bytes that open every frame, "NP"; a stream that lacks them is corrupted. */
  public static final short MARKER = 0x4E50;
  /** The size of a frame's header: marker, length, kind. */
  public static final int HEADER_SIZE = 7;
  /** A buffer grown past this (by a large payload) is dropped after its frame, so a pool does not keep it. */
  private static final int KEPT_BUFFER = 16 << 20;

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
   * Writes one message, without flushing.
   *
   * @param message the message
   * @return the number of bytes written
   * @throws MessageTooLargeException if the body is larger than the limit; nothing is written
   * @throws IOException if the stream fails
   */
  public int write(Message message) throws IOException {
    Bytes<?> b = buffer;
    b.clear();
    b.ensureCapacity(HEADER_SIZE + message.sizeHint()); // one allocation, not a series of doublings
    b.writeShort(MARKER);
    b.writeInt(0);
    b.writeByte(message.kind().code());
    message.writeMarshallable(b);
    long length = b.writePosition() - HEADER_SIZE;
    if (length > maxMessageSize) {
      shrink();
      throw new MessageTooLargeException(message.kind(), length, maxMessageSize);
    }
    b.writeInt(2, (int) length);
    int total = (int) b.writePosition();
    out.write((byte[]) b.underlyingObject(), 0, total);
    shrink();
    return total;
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
