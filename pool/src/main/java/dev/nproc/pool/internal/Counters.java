package dev.nproc.pool.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;

/**
 * The pool's task counters. Every submitted task ends counted exactly once: completed, failed or
 * cancelled; until then it is queued or in flight, which the dispatcher counts. Guarded by the
 * engine's lock.
 */
final class Counters {
  @GuardedBy("PoolEngine.lock")
  long submitted;
  @GuardedBy("PoolEngine.lock")
  long completed;
  @GuardedBy("PoolEngine.lock")
  long failed;
  @GuardedBy("PoolEngine.lock")
  long cancelled;

  /**
   * Moves a task counted as completed or failed when its worker answered, once its outcome is
   * delivered: to failed, if its result could not be decoded; to cancelled, if its caller
   * cancelled its future first (the cancel then found nothing to stop, so it was not counted).
   *
   * @param countedCompleted whether it was counted as completed (else as failed)
   * @param cancelledFirst whether its future was cancelled before the outcome reached it
   * @param undecodable whether its result could not be decoded
   */
  @GuardedBy("PoolEngine.lock")
  void correct(boolean countedCompleted, boolean cancelledFirst, boolean undecodable) {
    if (!cancelledFirst && !undecodable) {
      return;
    }
    if (countedCompleted) {
      completed--;
    } else {
      failed--;
    }
    if (cancelledFirst) {
      cancelled++;
    } else {
      failed++;
    }
  }

  /** @return the snapshot, with what the dispatcher and supervisor count */
  @GuardedBy("PoolEngine.lock")
  EngineStats snapshot(int inFlight, int queued, long restarts) {
    return new EngineStats(submitted, completed, failed, cancelled, inFlight, queued, restarts);
  }
}
