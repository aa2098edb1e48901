package dev.nproc.pool.internal;

import dev.nproc.core.TaskFailedException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How a task's outcome reaches its caller: the two paths of the public API, {@code submit} and
 * {@code call}. Runs on a callback thread, never under the engine's lock.
 */
enum Delivery {
  /** {@code submit}: the result as an {@code Optional}; a failure is logged and completes it empty. */
  AS_OPTIONAL {
    @Override
    void succeed(CompletableFuture<Object> future, Object value) {
      future.complete(Optional.ofNullable(value));
    }

    @Override
    void fail(CompletableFuture<Object> future, TaskFailedException e, Consumer<TaskFailedException> log) {
      future.complete(Optional.empty()); // first: a log that blocks or throws must not keep it pending
      log.accept(e);
    }
  },
  /** {@code call}: the bare result, {@code null} allowed; a failure completes it exceptionally. */
  AS_VALUE {
    @Override
    void succeed(CompletableFuture<Object> future, Object value) {
      future.complete(value);
    }

    @Override
    void fail(CompletableFuture<Object> future, TaskFailedException e, Consumer<TaskFailedException> log) {
      future.completeExceptionally(e);
    }
  };

  /**
   * Completes the future with a result.
   *
   * @param future the task's future
   * @param value the decoded result
   */
  abstract void succeed(CompletableFuture<Object> future, Object value);

  /**
   * Completes the future with a failure, then logs it ({@code submit}'s path).
   *
   * @param future the task's future
   * @param e the failure
   * @param log the error log, for {@code submit}'s path
   */
  abstract void fail(CompletableFuture<Object> future, TaskFailedException e, Consumer<TaskFailedException> log);
}
