package dev.nproc.pool.internal;

import dev.nproc.core.Codec;
import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.wire.Failure;
import dev.nproc.core.internal.wire.Result;
import java.util.function.Consumer;

/**
 * Turns what a worker answered into the completion of a task's future: decodes results, rebuilds
 * remote failures, and hands both to the task's {@link Delivery} ({@code submit}'s or
 * {@code call}'s path). Runs on callback threads, never under the engine's lock: decoding and
 * the callers' dependent stages are user code.
 *
 * <p>Thread-safe: immutable, over a thread-safe codec.
 */
final class Outcomes {
  private final Codec codec;
  private final Consumer<TaskFailedException> failureLog;

  Outcomes(Codec codec, UserHooks hooks) {
    this.codec = codec;
    this.failureLog = e -> hooks.error(hooks.format(e));
  }

  /**
   * Completes a task with its result.
   *
   * @param task the task
   * @param result the worker's answer
   * @param worker who answered, for a failure's message
   * @return {@code false} if the result could not be decoded: the task failed instead
   */
  boolean succeed(PendingTask task, Result result, String worker) {
    if (task.delivery == Delivery.AS_ENCODED) {
      task.delivery.succeed(task.future, result);
      return true;
    }
    byte[] value = result.value();
    Object decoded;
    try {
      decoded = result.rawValue() ? value : codec.decode(value, 0, value.length);
    } catch (Throwable e) { // the result's own readObject, say, may throw anything
      fail(task, new TaskFailedException(TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE,
          "task " + task.id + ": the master cannot decode the result sent by " + worker + ": " + describe(e),
          null, null, null, e));
      return false;
    }
    task.delivery.succeed(task.future, decoded);
    return true;
  }

  /**
   * Completes a task with a failure the worker reported.
   *
   * @param task the task
   * @param failure the worker's report
   * @param worker who reported it
   */
  void fail(PendingTask task, Failure failure, String worker) {
    if (task.delivery == Delivery.AS_ENCODED) {
      task.future.complete(failure);
      return;
    }
    if (failure.className() == null) { // a failure of a remote pool's own finding (see Delivery.AS_ENCODED)
      fail(task, new TaskFailedException(failure.failureKind(), "task " + task.id + " failed in " + worker + ": "
          + failure.message(), null, null, null, null));
      return;
    }
    Throwable cause = null;
    if (failure.exception().length > 0) {
      try {
        cause = (Throwable) codec.decode(failure.exception(), 0, failure.exception().length);
      } catch (Throwable e) {
        // the text below still says what happened
      }
    }
    String what = failure.failureKind() == TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE
        ? "'s result could not be serialized" : " failed";
    String message = "task " + task.id + what + " in " + worker + ": " + failure.className()
        + (failure.message() == null ? "" : ": " + failure.message());
    fail(task, new TaskFailedException(failure.failureKind(), message, failure.className(), failure.message(),
        failure.stackTrace(), cause));
  }

  /** A throwable's class and message, even if its {@code getMessage} throws. */
  private static String describe(Throwable e) {
    try {
      return e.getMessage();
    } catch (Throwable again) {
      return e.getClass().getName() + " (its getMessage() threw)";
    }
  }

  /**
   * Completes a task with a failure of the pool's own finding (a death, a time-out, no worker).
   *
   * @param task the task
   * @param e the failure
   */
  void fail(PendingTask task, TaskFailedException e) {
    task.delivery.fail(task.future, e, failureLog);
  }
}
