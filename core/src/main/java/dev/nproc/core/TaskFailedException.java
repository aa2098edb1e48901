package dev.nproc.core;

import java.util.Objects;

/**
 * A task did not produce a result. {@link #kind()} says why; for a task that threw, the remote
 * exception's class name, message and stack trace are kept as text, and the exception itself is
 * the cause when it could be carried back to the master.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class TaskFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a task failed. */
  public enum Kind {
    /** The function threw an exception (or its argument or the function itself could not be decoded in the worker). */
    TASK_THREW,
    /** The function returned, but its result could not be serialized. */
    RESULT_NOT_SERIALIZABLE,
    /** The worker process died while the task was running. */
    WORKER_DIED,
    /** The task ran longer than the pool's task timeout; its worker was killed. */
    TIMED_OUT,
    /** The pool could not run the task at all, for example because no worker could be started. */
    NOT_RUN,
    /**
     * A cluster pool's node that held the task left the cluster or stopped answering: the task may
     * or may not have run, and the pool does not run it again.
     */
    NODE_LOST
  }

  private final Kind kind;
  private final String remoteClassName;
  private final String remoteMessage;
  private final String remoteStackTrace;

  /**
   * Creates a failure report.
   *
   * @param kind why the task failed
   * @param message a description for people, which should name the task and the worker
   * @param remoteClassName the class name of the exception thrown in the worker, or {@code null}
   * @param remoteMessage that exception's message, or {@code null}
   * @param remoteStackTrace that exception's stack trace as text, or {@code null}
   * @param cause the remote exception if it could be decoded, or another cause, or {@code null}
   */
  public TaskFailedException(Kind kind, String message, String remoteClassName, String remoteMessage,
                             String remoteStackTrace, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.remoteClassName = remoteClassName;
    this.remoteMessage = remoteMessage;
    this.remoteStackTrace = remoteStackTrace;
  }

  /**
   * Returns why the task failed.
   *
   * @return the kind of failure
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the class name of the exception thrown in the worker.
   *
   * @return the remote exception's class name, or {@code null} where nothing was thrown
   */
  public String remoteClassName() {
    return remoteClassName;
  }

  /**
   * Returns the message of the exception thrown in the worker.
   *
   * @return the remote exception's message, or {@code null}
   */
  public String remoteMessage() {
    return remoteMessage;
  }

  /**
   * Returns the stack trace of the exception thrown in the worker, as the worker printed it.
   *
   * @return the remote stack trace, or {@code null} where nothing was thrown
   */
  public String remoteStackTrace() {
    return remoteStackTrace;
  }
}
