package dev.nproc.core.internal.wire;

/**
 * A message that a worker sends to its master. Each kind hands itself to the matching method of
 * a {@link MasterInbox}, so the master handles every kind it can receive, checked by the compiler,
 * without a switch on kinds and a cast.
 */
public abstract class MasterBound extends Message {
  MasterBound() {}

  /**
   * Hands this message to the method of {@code inbox} that handles its kind.
   *
   * @param inbox the master's handler
   */
  public abstract void deliverTo(MasterInbox inbox);
}
