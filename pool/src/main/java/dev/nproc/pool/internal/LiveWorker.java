package dev.nproc.pool.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.nproc.core.TaskFailedException;
import dev.nproc.core.WorkerInfo;

/**
 * The engine's handle of one connected worker: its slot and generation, its connection, and what
 * the engine learned of it. Identity matters: the supervisor and the dispatcher's port tell
 * workers apart by this object.
 *
 * <p>Fields are guarded by the engine's lock, except {@link #answered}, which is volatile.
 */
final class LiveWorker {
  final int slot;
  final int generation;
  final WorkerConnection connection;
  private final String description;

  /**
   * Whether it answered a task: written under the lock, read without it when the worker's end is
   * reported (by its reader, or by the timer when its exit is seen first).
   */
  volatile boolean answered;
  @GuardedBy("PoolEngine.lock")
  boolean greeted;
  /** Whether its end was reported: later messages from it are ignored. */
  @GuardedBy("PoolEngine.lock")
  boolean gone;
  /** Whether it was told to exit (SHUTDOWN sent): its exit is then expected. */
  @GuardedBy("PoolEngine.lock")
  boolean toldToExit;
  /** The init hook's failure as the worker reported it, or {@code null}. */
  @GuardedBy("PoolEngine.lock")
  String initFailure;
  /** Set when the master kills it on purpose: the kind its running task fails with, if not a death. */
  @GuardedBy("PoolEngine.lock")
  TaskFailedException.Kind killKind;
  /** Set when the master kills it because a cancelled task did not stop: a death nobody needs to hear of. */
  @GuardedBy("PoolEngine.lock")
  boolean stoppedForCancel;
  /** Why the master killed it, or {@code null}. */
  @GuardedBy("PoolEngine.lock")
  String killReason;

  LiveWorker(int slot, int generation, WorkerConnection connection) {
    this.slot = slot;
    this.generation = generation;
    this.connection = connection;
    this.description = "worker " + slot + " (pid " + connection.pid() + ")";
  }

  WorkerInfo info() {
    return new WorkerInfo(slot, connection.pid(), generation);
  }

  /** @return "worker N (pid P)" */
  @Override
  public String toString() {
    return description;
  }
}
