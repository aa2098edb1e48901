package dev.nproc.core.internal.wire;

/**
 * What the master does with each kind of message a worker sends: one method per kind, so a new
 * kind does not compile until the master handles it. Which thread calls these is the
 * implementation's to say (the master calls them on the worker's reader thread).
 */
public interface MasterInbox {
  /**
   * The worker's first message: who it is and which protocol it speaks.
   *
   * @param hello the message
   */
  void hello(Hello hello);

  /**
   * The worker ran its init hook and takes tasks.
   *
   * @param ready the message
   */
  void ready(Ready ready);

  /**
   * A task's result.
   *
   * @param result the message
   */
  void result(Result result);

  /**
   * A task, or the init hook ({@link Failure#INIT_TASK_ID}), failed.
   *
   * @param failure the message
   */
  void failure(Failure failure);

  /**
   * A running Full-mode task asks the master's service something.
   *
   * @param request the message
   */
  void serviceRequest(ServiceRequest request);

  /**
   * A revoked task was given back unstarted.
   *
   * @param revoked the message
   */
  void revoked(Revoked revoked);
}
