package dev.nproc.core.internal.wire;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Reads frames written by {@link FrameWriter} and turns them back into messages. Anything that
 * is not a well-formed frame (garbage such as a stray {@code println} on the stream, a frame cut
 * short, a length over the limit, an unknown kind, a body that does not parse to its end) is a
 * {@link ProtocolException} that says what was seen.
 *
 * <p>Not thread-safe: one thread reads.
 */
public final class FrameReader {
  private final InputStream in;
  private final int maxMessageSize;
  private final byte[] header = new byte[FrameWriter.HEADER_SIZE];
  /** The body of the frame being read (its fields, not its payload), reused from frame to frame; a message copies what it keeps. */
  private byte[] body = new byte[8 * 1024];
  private Bytes<byte[]> bodyBytes = Bytes.wrapForRead(body);
  private static final int KEPT_BODY = 1 << 20;

  /**
   * Creates a reader.
   *
   * @param in the stream, ideally buffered
   * @param maxMessageSize the largest body accepted, in bytes
   */
  public FrameReader(InputStream in, int maxMessageSize) {
    this.in = in;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Tells whether a frame's first bytes have already been read from the stream into its buffer,
   * so that {@link #read()} will not wait on the pipe to start: a reader can take every frame that
   * arrived together and handle them as one batch. Asks the stream, without a system call when
   * the stream is one of {@link #buffered}'s.
   *
   * @return {@code true} if more input is at hand
   * @throws IOException if the stream fails
   */
  public boolean hasBufferedInput() throws IOException {
    return in instanceof PeekableInputStream peekable ? peekable.buffered() > 0 : in.available() > 0;
  }

  /**
   * Wraps a raw stream (a pipe) in a buffer whose content {@link #hasBufferedInput()} can see.
   *
   * @param raw the stream
   * @param bufferSize the buffer's size
   * @return the buffered stream
   */
  public static InputStream buffered(InputStream raw, int bufferSize) {
    return new PeekableInputStream(raw, bufferSize);
  }

  /** A buffered stream that tells how much it holds, without asking the stream below. */
  private static final class PeekableInputStream extends BufferedInputStream {
    PeekableInputStream(InputStream in, int size) {
      super(in, size);
    }

    synchronized int buffered() {
      return count - pos;
    }
  }

  /**
   * Reads the next message.
   *
   * @return the message, or {@code null} at the end of the stream between two frames
   * @throws ProtocolException if the stream does not hold a well-formed frame
   * @throws IOException if the stream fails
   */
  public Message read() throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    header[0] = (byte) first;
    readFully(header, 1, header.length - 1, null, "header");
    // Chronicle writes little-endian; so does this.
    short marker = (short) ((header[0] & 0xff) | (header[1] & 0xff) << 8);
    if (marker != FrameWriter.MARKER) {
      throw new ProtocolException("corrupted stream: expected a frame but read " + printable(header, header.length)
          + " (did something write to the process's real stdout?)");
    }
    int length = (header[2] & 0xff) | (header[3] & 0xff) << 8 | (header[4] & 0xff) << 16 | (header[5] & 0xff) << 24;
    if (length < 0 || length > maxMessageSize) {
      throw new ProtocolException("corrupted stream or oversized message: a frame announces " + length
          + " bytes, the limit (maxMessageSize) is " + maxMessageSize);
    }
    MessageKind kind = MessageKind.of(header[6]);
    int payloadLength = (header[7] & 0xff) | (header[8] & 0xff) << 8 | (header[9] & 0xff) << 16
        | (header[10] & 0xff) << 24;
    if (payloadLength < 0 || payloadLength > length) {
      throw new ProtocolException("corrupted stream: a " + kind + " frame of " + length + " bytes announces a payload of "
          + payloadLength + " bytes");
    }
    int bodyLength = length - payloadLength;
    if (bodyLength > body.length || (body.length > KEPT_BODY && bodyLength <= KEPT_BODY)) {
      body = new byte[Math.max(bodyLength, 8 * 1024)];
      bodyBytes = Bytes.wrapForRead(body);
    }
    readFully(body, 0, bodyLength, kind, "body");
    byte[] payload = Message.NONE;
    if (payloadLength > 0) {
      payload = new byte[payloadLength]; // the message keeps it: read straight into it, no copy
      readFully(payload, 0, payloadLength, kind, "payload");
    }
    Bytes<byte[]> bytes = bodyBytes;
    bytes.readPositionRemaining(0, bodyLength);
    Message message = kind.newMessage();
    try {
      message.readMarshallable(bytes);
      message.payload(payload);
    } catch (ProtocolException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ProtocolException("malformed " + kind + " message: " + e, e);
    }
    if (bytes.readRemaining() != 0) {
      throw new ProtocolException("malformed " + kind + " message: " + bytes.readRemaining() + " bytes left over");
    }
    return message;
  }

  /** Reads {@code len} bytes of a frame's part; {@code kind} is null for the header. The message is built only on failure. */
  private void readFully(byte[] b, int off, int len, MessageKind kind, String part) throws IOException {
    int done = 0;
    while (done < len) {
      int n = in.read(b, off + done, len - done);
      if (n < 0) {
        String what = kind == null ? part : kind + " " + part + " of " + len + " bytes";
        throw new ProtocolException("truncated frame: the stream ended after " + done + " of the " + len
            + " bytes of a " + what, new EOFException());
      }
      done += n;
    }
  }

  private static String printable(byte[] bytes, int n) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < n; i++) {
      hex.append(String.format("%02x", bytes[i] & 0xff));
    }
    String text = new String(bytes, 0, n, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", ".");
    return "0x" + hex + " \"" + text + "\"";
  }
}
