package dev.nproc.stream.internal;

import java.time.Duration;

/**
 * Where a {@link ChunkPipeline} reports its progress: the public {@code IterProgress} callback,
 * adapted by {@code IterStream}, so that this package needs nothing of the API package.
 * Called on the iterating thread.
 */
@FunctionalInterface
public interface ProgressSink {
  /**
   * Reports the counters as they are now.
   *
   * @param done elements whose result has been handed over, failed ones included
   * @param failed of those, the ones that failed
   * @param elapsed the time since the iteration started
   * @param ratePerSecond {@code done} per second of {@code elapsed} (0 at first)
   */
  void report(long done, long failed, Duration elapsed, double ratePerSecond);
}
