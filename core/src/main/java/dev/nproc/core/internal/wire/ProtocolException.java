package dev.nproc.core.internal.wire;

/**
 * The byte stream between the master and a worker does not follow the protocol: a truncated or
 * garbled frame, a frame over the size limit, an unknown message, a version mismatch.
 */
public class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was wrong with the stream
   */
  public ProtocolException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param message what was wrong with the stream
   * @param cause the underlying failure
   */
  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
