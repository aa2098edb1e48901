package dev.nproc.pool;

import static dev.nproc.pool.testing.Workers.exited;
import static dev.nproc.pool.testing.Workers.workerPids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.SerializableFunction;
import dev.nproc.core.TaskFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A soak: mixed tasks under every fault at once (SIGKILLs and SIGSTOPs from outside, tasks that
 * exit, time out, throw hostile exceptions, cancels), ending with exact accounting: every future
 * completed once, no task run past its time-out, the stats add up, no process left, the
 * master's heap after a collection flat (the test itself keeps only what is pending). It runs
 * only when asked, for as many seconds as {@code nproc.soak.seconds} says: {@code mvn -B verify
 * -pl core,pool -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false -Dnproc.soak.seconds=600}
 * is the ten-minute soak; it prints its figures.
 */
class SoakTest {
  private static final int SECONDS = Integer.getInteger("nproc.soak.seconds", 15);
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** An exception whose getMessage throws. */
  static final class Hostile extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public String getMessage() {
      throw new IllegalStateException("hostile");
    }
  }

  private static SerializableFunction<Integer, Integer> task(int kind) {
    return x -> switch (kind) {
      case 0 -> throw new Hostile();
      case 1 -> {
        System.exit(9);
        yield x;
      }
      case 2 -> {
        Thread.sleep(20_000); // ten times the task timeout
        yield x;
      }
      case 3 -> {
        Thread.sleep(20);
        yield x * 2;
      }
      default -> x * 2;
    };
  }

  private static long heapAfterGcKib() {
    System.gc();
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
  }

  private static long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  @Test
  @EnabledIfSystemProperty(named = "nproc.soak.seconds", matches = "\\d+")
  void soak_mixedTasksAndFaults_everyFutureOnceStatsAddUpNothingLeft() throws Exception {
    Set<Long> before = workerPids();
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    Pool pool = Pool.create(2, PoolOptions.builder().name("soak").taskTimeout(Duration.ofSeconds(2))
        .cancelGrace(Duration.ofMillis(500)).maxPendingTasks(200) // the producer goes at the pool's pace
        .workerOutput(WorkerOutput.DISCARD).errorLog(m -> { }).build());
    Random random = new Random(7);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sigkills = new AtomicInteger();
    AtomicInteger sigstops = new AtomicInteger();
    Thread killer = new Thread(() -> {
      Random r = new Random(11);
      while (running.get()) {
        try {
          Thread.sleep(700 + r.nextInt(800));
          List<Long> mine = new ArrayList<>(workerPids());
          mine.removeAll(before);
          seen.addAll(mine);
          if (mine.isEmpty()) {
            continue;
          }
          long pid = mine.get(r.nextInt(mine.size()));
          if (r.nextInt(4) == 0) {
            new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
            sigstops.incrementAndGet(); // its task times out, and the worker is killed
          } else if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
            sigkills.incrementAndGet();
          }
        } catch (InterruptedException e) {
          return;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }, "soak-killer");
    // Kept small whatever the length of the run, so that the master's memory can be seen flat:
    // the ids of the futures not completed yet, counters of outcomes, the last futures for cancels.
    Map<Integer, Integer> pending = new ConcurrentHashMap<>(); // id -> kind
    AtomicInteger completedTwice = new AtomicInteger();
    AtomicInteger ranPastTimeout = new AtomicInteger(); // a sleeper that returned: its time-out was missed
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger cancelledSeen = new AtomicInteger();
    Map<TaskFailedException.Kind, AtomicInteger> byKind = new ConcurrentHashMap<>();
    List<CompletableFuture<Integer>> recent = new ArrayList<>();
    int submitted = 0;
    int cancelled = 0;
    long heapWarm = -1;
    long rssWarm = -1;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    killer.start();
    try {
      for (int i = 0; System.nanoTime() < end; i++) {
        int roll = random.nextInt(1000);
        int kind = roll < 5 ? 0 : roll < 6 ? 1 : roll < 7 ? 2 : roll < 100 ? 3 : 4;
        int id = i;
        pending.put(id, kind);
        CompletableFuture<Integer> f = pool.call(task(kind), i);
        submitted++;
        f.whenComplete((v, e) -> {
          if (pending.remove(id) == null) {
            completedTwice.incrementAndGet();
          }
          Throwable cause = e instanceof CompletionException ? e.getCause() : e;
          if (e == null) {
            ok.incrementAndGet();
            if (kind == 2) {
              ranPastTimeout.incrementAndGet();
            }
          } else if (cause instanceof CancellationException) {
            cancelledSeen.incrementAndGet();
          } else {
            byKind.computeIfAbsent(((TaskFailedException) cause).kind(), k -> new AtomicInteger()).incrementAndGet();
          }
        });
        recent.add(f);
        if (recent.size() > 500) {
          recent.remove(0);
        }
        CompletableFuture<Integer> victim = recent.get(random.nextInt(recent.size()));
        // only this thread cancels, and cancel() answers true again for a future already cancelled
        if (random.nextInt(50) == 0 && !victim.isDone() && victim.cancel(true)) {
          cancelled++;
        }
        if (i % 200 == 0) {
          Thread.sleep(20);
          if (heapWarm < 0 && System.nanoTime() > end - TimeUnit.SECONDS.toNanos(SECONDS) * 2 / 3) {
            heapWarm = heapAfterGcKib();
            rssWarm = rssKib();
          }
        }
      }
    } finally {
      running.set(false);
      killer.join();
    }
    recent.clear();
    // wake any worker that is still stopped, so that the pool can finish or kill it
    for (long pid : seen) {
      new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
    }
    try {
      await().atMost(WAIT).until(pending::isEmpty);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(pending.size() + " futures never completed (id=kind: " + pending + "); stats "
          + pool.stats() + "; workers " + workerPids(), e);
    }
    PoolStats stats = pool.stats();
    long heapEnd = heapAfterGcKib();
    long rssEnd = rssKib();
    Set<Long> last = new HashSet<>(workerPids());
    last.removeAll(before);
    seen.addAll(last);
    pool.close();
    System.out.printf("soak: %d s, %d tasks: %d ok, %d cancelled, failures by kind %s; injected %d SIGKILL, "
            + "%d SIGSTOP; worker restarts %d; master heap after GC %d KiB warm, %d KiB at the end; RSS %d KiB warm,"
            + " %d KiB at the end%n", SECONDS, submitted, ok.get(), cancelledSeen.get(), byKind, sigkills.get(),
        sigstops.get(), stats.workerRestarts(), heapWarm, heapEnd, rssWarm, rssEnd);
    assertThat(completedTwice).hasValue(0);
    assertThat(ranPastTimeout).as("tasks that ran past taskTimeout").hasValue(0);
    assertThat(cancelledSeen).hasValue(cancelled);
    assertThat(stats.submitted()).isEqualTo(submitted);
    assertThat(stats.completed()).isEqualTo(ok.get());
    assertThat(stats.cancelled()).isEqualTo(cancelledSeen.get());
    assertThat(stats.failed()).isEqualTo(byKind.values().stream().mapToInt(AtomicInteger::get).sum());
    assertThat(stats.inFlight() + stats.queued()).isZero();
    assertThat(byKind.keySet()).contains(TaskFailedException.Kind.TASK_THREW);
    await().atMost(WAIT).until(() -> seen.stream().allMatch(pid -> exited(pid)));
    if (heapWarm > 0) {
      assertThat(heapEnd).as("master heap after GC at the end against after warm-up, KiB").isLessThan(heapWarm + 32_768);
    }
  }
}
