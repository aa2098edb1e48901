package dev.nproc.pool.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A task between {@code submit} and its completion: its encoded function and argument and the
 * future handed to the caller. Mutable fields are guarded by the engine's lock.
 */
final class PendingTask {
  final long id;
  final FunctionRegistry.Encoded function;
  /** The encoded argument, or the argument itself when {@link #rawArgument}. */
  final byte[] argument;
  /** Whether the argument is a {@code byte[]} (a copy of the caller's) that travels without the codec. */
  final boolean rawArgument;
  /** {@code true} for {@code submit} (failure is logged and the result is {@code Optional.empty()}), {@code false} for {@code call}. */
  final boolean optional;
  final CompletableFuture<Object> future = new CompletableFuture<>();

  /** When the worker is taken to have started it (it reached the head of the worker's queue), or 0. */
  long startedNanos;
  /** The pending timeout check, or {@code null}. */
  ScheduledFuture<?> timeout;

  PendingTask(long id, FunctionRegistry.Encoded function, byte[] argument, boolean rawArgument, boolean optional) {
    this.id = id;
    this.function = function;
    this.argument = argument;
    this.rawArgument = rawArgument;
    this.optional = optional;
  }
}
