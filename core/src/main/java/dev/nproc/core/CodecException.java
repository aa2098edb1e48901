package dev.nproc.core;

/**
 * A payload could not be encoded or decoded. {@link #culprit()} names the class at fault where
 * it is known: the class that is not serializable, or the class that could not be loaded.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class CodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String culprit;

  /**
   * Creates an exception.
   *
   * @param message what went wrong
   * @param culprit the name of the class at fault, or {@code null} if unknown
   * @param cause the underlying failure, or {@code null}
   */
  public CodecException(String message, String culprit, Throwable cause) {
    super(message, cause);
    this.culprit = culprit;
  }

  /**
   * Returns the name of the class at fault.
   *
   * @return the class name, or {@code null} if it is not known
   */
  public String culprit() {
    return culprit;
  }
}
