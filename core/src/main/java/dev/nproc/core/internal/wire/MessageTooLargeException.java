package dev.nproc.core.internal.wire;

/** A message is larger than the pool's {@code maxMessageSize}; it was not sent. */
public class MessageTooLargeException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param kind the kind of message
   * @param size its body's size in bytes
   * @param max the limit in bytes
   */
  public MessageTooLargeException(MessageKind kind, long size, int max) {
    super("a " + kind + " message of " + size + " bytes exceeds maxMessageSize (" + max + " bytes)");
  }
}
