package dev.nproc.core;

/**
 * The worker's side of Full mode: a way for a running task to ask the master something.
 *
 * <p>An instance is handed to each {@link FullFunction} call. It is safe to use from the task's
 * thread; it must not be kept past the end of the task.
 *
 * @param <Q> the request type, serialized to the master
 * @param <R> the response type, serialized back to the worker
 */
@FunctionalInterface
public interface Service<Q, R> {
  /**
   * Sends a request to the master and blocks the calling task until the master's service
   * function answers.
   *
   * @param q the request
   * @return the master's answer, possibly {@code null}
   * @throws ServiceException if the master's service failed or the request could not be sent
   */
  R request(Q q);
}
