package dev.nproc.pool.internal;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The processes a local worker started (its tasks', such as a {@code ProcessBuilder.start()}),
 * so that they end with it. While the worker lives they are its descendants; once it is dead they
 * are not (the kernel gives orphans to another parent), so a snapshot of them is refreshed every
 * {@link #PERIOD_MILLIS} ms and kept: {@link #endAll} ends what the worker has now and what was
 * last seen. A process is ended only if it is the same process (the JDK checks its start time,
 * not just its pid). One daemon thread, shared by every pool of the JVM, takes the snapshots.
 *
 * <p>Thread-safe.
 */
final class ChildProcesses {
  /** How often the snapshot is refreshed. */
  static final long PERIOD_MILLIS = 200;
  private static final ScheduledExecutorService WATCH = watchThread();

  private final Process process;
  private final ScheduledFuture<?> refresh;
  private volatile List<ProcessHandle> seen = List.of();

  ChildProcesses(Process process) {
    this.process = process;
    this.refresh = WATCH.scheduleWithFixedDelay(this::refresh, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static ScheduledExecutorService watchThread() {
    ScheduledThreadPoolExecutor watch = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "nproc-child-processes");
      t.setDaemon(true);
      return t;
    });
    watch.setRemoveOnCancelPolicy(true);
    return watch;
  }

  private void refresh() {
    try {
      if (process.isAlive()) {
        seen = process.descendants().toList();
      }
    } catch (RuntimeException e) {
      // listing processes can fail on some platforms: the last snapshot stays
    }
  }

  /** Ends the worker's descendants now and those last seen, and stops watching. Never blocks. */
  void endAll() {
    refresh.cancel(false);
    try {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
    } catch (RuntimeException e) {
      // as above
    }
    for (ProcessHandle child : seen) {
      child.destroyForcibly();
    }
  }
}
