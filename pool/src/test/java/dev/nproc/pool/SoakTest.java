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
import java.util.EnumMap;
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

/**
 * A soak: mixed tasks under every fault at once (SIGKILLs and SIGSTOPs from outside, tasks that
 * exit, time out, throw hostile exceptions, cancels), ending with exact accounting: every future
 * completed once, the stats add up, no process left, the master's memory flat. The default run
 * lasts {@value #DEFAULT_SECONDS} s; {@code -Dnproc.soak.seconds=600} runs the ten-minute soak
 * ({@code mvn -B verify -pl pool -am -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dnproc.soak.seconds=600}), which prints its figures.
 */
class SoakTest {
  static final int DEFAULT_SECONDS = 15;
  private static final int SECONDS = Integer.getInteger("nproc.soak.seconds", DEFAULT_SECONDS);
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
        Thread.sleep(60_000); // past the task timeout
        yield x;
      }
      case 3 -> {
        Thread.sleep(20);
        yield x * 2;
      }
      default -> x * 2;
    };
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
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    AtomicInteger completions = new AtomicInteger();
    int cancelled = 0;
    long rssWarm = -1;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    killer.start();
    try {
      for (int i = 0; System.nanoTime() < end; i++) {
        int roll = random.nextInt(1000);
        int kind = roll < 5 ? 0 : roll < 6 ? 1 : roll < 7 ? 2 : roll < 100 ? 3 : 4;
        CompletableFuture<Integer> f = pool.call(task(kind), i);
        f.whenComplete((v, e) -> completions.incrementAndGet());
        futures.add(f);
        if (random.nextInt(50) == 0 && futures.get(random.nextInt(futures.size())).cancel(true)) {
          cancelled++;
        }
        if (i % 200 == 0) {
          Thread.sleep(20);
          if (rssWarm < 0 && System.nanoTime() > end - TimeUnit.SECONDS.toNanos(SECONDS) * 2 / 3) {
            rssWarm = rssKib();
          }
        }
      }
    } finally {
      running.set(false);
      killer.join();
    }
    // wake any worker that is still stopped, so that the pool can finish or kill it
    for (long pid : seen) {
      new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
    }
    try {
      await().atMost(WAIT).until(() -> completions.get() == futures.size());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      long pending = futures.stream().filter(f -> !f.isDone()).count();
      throw new AssertionError(pending + " futures never completed; stats " + pool.stats() + "; workers "
          + workerPids(), e);
    }

    Map<TaskFailedException.Kind, Integer> byKind = new EnumMap<>(TaskFailedException.Kind.class);
    int ok = 0;
    int cancelledSeen = 0;
    for (CompletableFuture<Integer> f : futures) {
      try {
        f.join();
        ok++;
      } catch (CancellationException e) {
        cancelledSeen++;
      } catch (CompletionException e) {
        byKind.merge(((TaskFailedException) e.getCause()).kind(), 1, Integer::sum);
      }
    }
    PoolStats stats = pool.stats();
    long rssEnd = rssKib();
    Set<Long> last = new HashSet<>(workerPids());
    last.removeAll(before);
    seen.addAll(last);
    pool.close();
    System.out.printf("soak: %d s, %d tasks: %d ok, %d cancelled, failures by kind %s; injected %d SIGKILL, "
            + "%d SIGSTOP; worker restarts %d; master RSS %d KiB warm, %d KiB at the end%n", SECONDS, futures.size(),
        ok, cancelledSeen, byKind, sigkills.get(), sigstops.get(), stats.workerRestarts(), rssWarm, rssEnd);

    assertThat(cancelledSeen).isEqualTo(cancelled);
    assertThat(stats.submitted()).isEqualTo(futures.size());
    assertThat(stats.completed()).isEqualTo(ok);
    assertThat(stats.cancelled()).isEqualTo(cancelledSeen);
    assertThat(stats.failed()).isEqualTo(byKind.values().stream().mapToInt(Integer::intValue).sum());
    assertThat(stats.inFlight() + stats.queued()).isZero();
    assertThat(byKind.keySet()).containsAnyOf(TaskFailedException.Kind.TASK_THREW);
    await().atMost(WAIT).until(() -> seen.stream().allMatch(pid -> exited(pid)));
    if (rssWarm > 0) {
      assertThat(rssEnd).as("master RSS at the end against after warm-up, KiB").isLessThan(rssWarm * 2 + 100_000);
    }
  }
}
