package dev.nproc.pool.internal;

import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.wire.Failure;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How a task's outcome reaches its caller: the two paths of the public API, {@code submit} and
 * {@code call}, and a third for a pool that runs pre-encoded tasks for someone else (a cluster
 * node, {@link EncodedPool}), whose caller gets the worker's answer still encoded. Runs on a
 * callback thread, never under the engine's lock.
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
  },
  /**
   * {@link EncodedPool}: the worker's answer as it came, a {@link dev.nproc.core.internal.wire.Result}
   * or a {@link dev.nproc.core.internal.wire.Failure}; a failure of the pool's own finding becomes a
   * {@code Failure} with no class name. {@link Outcomes} never decodes such a task's result.
   */
  AS_ENCODED {
    @Override
    void succeed(CompletableFuture<Object> future, Object value) {
      future.complete(value);
    }

    @Override
    void fail(CompletableFuture<Object> future, TaskFailedException e, Consumer<TaskFailedException> log) {
      future.complete(new Failure(0, e.kind(), null, e.getMessage(), null, NONE));
    }
  };

  private static final byte[] NONE = new byte[0];

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
