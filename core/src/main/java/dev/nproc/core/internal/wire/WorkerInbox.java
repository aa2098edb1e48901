package dev.nproc.core.internal.wire;

/**
 * What a worker does with each kind of message its master sends: one method per kind, so a new
 * kind does not compile until the worker handles it. The worker calls these on the thread that
 * reads its stdin.
 */
public interface WorkerInbox {
  /**
   * The master's first message: who the worker is, its init hook and its environment.
   *
   * @param init the message
   */
  void init(Init init);

  /**
   * A task to run.
   *
   * @param task the message
   */
  void task(Task task);

  /**
   * The service's answer to a request of a running task.
   *
   * @param reply the message
   */
  void serviceReply(ServiceReply reply);

  /**
   * Give back a task received but not started.
   *
   * @param revoke the message
   */
  void revoke(Revoke revoke);

  /**
   * The task was cancelled: drop it if it has not started (answering {@link Revoked}), or
   * interrupt it if it runs.
   *
   * @param cancel the message
   */
  void cancel(Cancel cancel);

  /**
   * Finish the tasks received, then exit: the last message a worker gets.
   *
   * @param shutdown the message
   */
  void shutdown(Shutdown shutdown);
}
