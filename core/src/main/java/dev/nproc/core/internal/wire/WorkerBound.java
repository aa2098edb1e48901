package dev.nproc.core.internal.wire;

/**
 * A message that the master sends to a worker. Each kind hands itself to the matching method of
 * a {@link WorkerInbox}, so the worker handles every kind it can receive, checked by the compiler.
 */
public abstract class WorkerBound extends Message {
  WorkerBound() {}

  /**
   * Hands this message to the method of {@code inbox} that handles its kind.
   *
   * @param inbox the worker's handler
   */
  public abstract void deliverTo(WorkerInbox inbox);
}
