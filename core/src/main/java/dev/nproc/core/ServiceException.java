package dev.nproc.core;

/**
 * Thrown in a worker by {@link Service#request} when the master could not answer: its service
 * function completed exceptionally, or the request or the answer could not be serialized.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class ServiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with the master's account of what went wrong.
   *
   * @param message what failed, as told by the master
   */
  public ServiceException(String message) {
    super(message);
  }
}
