package dev.nproc.pool.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The processes a local worker started (its tasks', such as a {@code ProcessBuilder.start()}),
 * so that they end with it. While the worker lives they are its descendants; once it is dead they
 * are not (the kernel gives orphans to another parent), so a snapshot of them is refreshed every
 * {@link #PERIOD_MILLIS} ms and kept: {@link #endAll} ends what the worker has now and what was
 * last seen. A process is ended only if it is the same process (the JDK checks its start time,
 * not just its pid). One daemon thread, shared by every pool of the JVM, takes the snapshots with
 * one listing of the system's processes per round, however many workers are watched, and only
 * while some are.
 *
 * <p>Thread-safe.
 */
final class ChildProcesses {
  /** How often the snapshots are refreshed. */
  static final long PERIOD_MILLIS = 200;
  private static final Set<ChildProcesses> WATCHED = ConcurrentHashMap.newKeySet();
  private static final ScheduledThreadPoolExecutor WATCH = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "nproc-child-processes");
    t.setDaemon(true);
    return t;
  });

  static {
    WATCH.scheduleWithFixedDelay(ChildProcesses::refreshAll, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private final Process process;
  private volatile List<ProcessHandle> seen = List.of();

  ChildProcesses(Process process) {
    this.process = process;
    WATCHED.add(this);
  }

  /** One round: the system's processes listed once, each watched worker's descendants found in it. */
  private static void refreshAll() {
    if (WATCHED.isEmpty()) {
      return;
    }
    try {
      Map<Long, List<ProcessHandle>> children = new HashMap<>();
      ProcessHandle.allProcesses().forEach(p -> p.parent().ifPresent(
          parent -> children.computeIfAbsent(parent.pid(), k -> new ArrayList<>()).add(p)));
      for (ChildProcesses watched : WATCHED) {
        if (watched.process.isAlive()) {
          watched.seen = descendants(watched.process.pid(), children);
        }
      }
    } catch (RuntimeException e) {
      // listing processes can fail on some platforms: the last snapshots stay
    }
  }

  private static List<ProcessHandle> descendants(long pid, Map<Long, List<ProcessHandle>> children) {
    List<ProcessHandle> found = new ArrayList<>();
    Deque<Long> next = new ArrayDeque<>(List.of(pid));
    while (!next.isEmpty()) {
      for (ProcessHandle child : children.getOrDefault(next.pop(), List.of())) {
        found.add(child);
        next.push(child.pid());
      }
    }
    return List.copyOf(found);
  }

  /** Ends the worker's descendants now and those last seen, and stops watching. Never blocks. */
  void endAll() {
    WATCHED.remove(this);
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
