package dev.nproc.pool.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A task between {@code submit} and its completion: its encoded function and argument, how its
 * outcome reaches the caller, and the future handed to the caller. Mutable fields are guarded by
 * the engine's lock.
 */
final class PendingTask {
  final long id;
  final FunctionRegistry.Encoded function;
  /**
   * The encoded argument, or the argument itself when {@link #rawArgument}; {@code null} once the
   * task can no longer be sent ({@link #forgetArgument}), so that a caller who keeps the future
   * does not keep the argument.
   */
  byte[] argument;
  /** Whether the argument is a {@code byte[]} (a copy of the caller's) that travels without the codec. */
  final boolean rawArgument;
  /** How the outcome completes {@link #future}: {@code submit}'s way or {@code call}'s. */
  final Delivery delivery;
  /** The caller's future; cancelling it cancels the task. */
  final TaskFuture future;

  /** The slot of the worker that holds it, or -1 while it is queued or done. */
  int lane = -1;
  /** What it counts in its lane's bytes (its argument's length when sent), for pipelineBytes. */
  long laneBytes;
  /** Whether the worker is taken to have started it: it reached the head of the worker's queue. */
  boolean started;
  /** Whether its caller cancelled it while a worker held it: it is stopping, and its outcome is dropped. */
  boolean cancelled;
  /** The pending time-out or cancel-grace check, or {@code null}. */
  Scheduler.Cancellable timeout;

  PendingTask(long id, FunctionRegistry.Encoded function, byte[] argument, boolean rawArgument, Delivery delivery,
              Consumer<PendingTask> onCancel) {
    this.id = id;
    this.function = function;
    this.argument = argument;
    this.rawArgument = rawArgument;
    this.delivery = delivery;
    this.future = new TaskFuture(this, onCancel);
  }

  PendingTask(long id, FunctionRegistry.Encoded function, byte[] argument, boolean rawArgument, Delivery delivery) {
    this(id, function, argument, rawArgument, delivery, t -> { });
  }

  /** Whether the caller gave up on it (cancelled or completed its future) before it was sent. */
  boolean abandoned() {
    return future.isDone();
  }

  /** The task will not be sent again (it finished, failed, was cancelled or dropped): its argument can go. */
  void forgetArgument() {
    argument = null;
  }

  /** Calls off its time-out or cancel-grace check, if any. */
  void stopClock() {
    if (timeout != null) {
      timeout.cancel();
      timeout = null;
    }
  }

  @Override
  public String toString() {
    return "task " + id;
  }

  /**
   * The future a caller gets: cancelling it (with or without {@code mayInterruptIfRunning}: a
   * task in another process can only be stopped by the pool) also tells the pool, which drops the
   * task if it is queued, or stops it in its worker. Its dependent stages are plain futures, as
   * for any {@code CompletableFuture}: cancelling one of them does not reach the task.
   */
  static final class TaskFuture extends CompletableFuture<Object> {
    private final PendingTask task;
    private final Consumer<PendingTask> onCancel;

    TaskFuture(PendingTask task, Consumer<PendingTask> onCancel) {
      this.task = task;
      this.onCancel = onCancel;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        onCancel.accept(task);
      }
      return cancelled;
    }
  }
}
