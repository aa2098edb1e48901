package dev.nproc.pool.internal;

import java.util.concurrent.CompletableFuture;

/**
 * A task between {@code submit} and its completion: its encoded function and argument, how its
 * outcome reaches the caller, and the future handed to the caller. Mutable fields are guarded by
 * the engine's lock.
 */
final class PendingTask {
  final long id;
  final FunctionRegistry.Encoded function;
  /** The encoded argument, or the argument itself when {@link #rawArgument}. */
  final byte[] argument;
  /** Whether the argument is a {@code byte[]} (a copy of the caller's) that travels without the codec. */
  final boolean rawArgument;
  /** How the outcome completes {@link #future}: {@code submit}'s way or {@code call}'s. */
  final Delivery delivery;
  final CompletableFuture<Object> future = new CompletableFuture<>();

  /** Whether the worker is taken to have started it: it reached the head of the worker's queue. */
  boolean started;
  /** The pending time-out check, or {@code null}. */
  Scheduler.Cancellable timeout;

  PendingTask(long id, FunctionRegistry.Encoded function, byte[] argument, boolean rawArgument, Delivery delivery) {
    this.id = id;
    this.function = function;
    this.argument = argument;
    this.rawArgument = rawArgument;
    this.delivery = delivery;
  }

  /** Whether the caller gave up on it (cancelled its future) before it was sent. */
  boolean abandoned() {
    return future.isDone();
  }

  /** Calls off its time-out check, if any. */
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
}
