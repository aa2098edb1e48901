package dev.nproc.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.FullFunction;
import dev.nproc.core.SerializableFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code future.cancel(...)} stops the work: queued tasks never run, running ones are interrupted or their worker replaced. */
class CancellationTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration GRACE = Duration.ofSeconds(1);

  @TempDir
  Path dir;

  /** Appends a line to a file; what a task's side effect looks like from outside. */
  static void append(Path file, String line) throws IOException {
    Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  static long lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  @Test
  void cancel_runningTaskThatIgnoresInterrupts_sideEffectsStopNextTaskRunsCloseIsPrompt() throws Exception {
    Path log = dir.resolve("spin.log");
    String path = log.toString();
    Pool pool = Pool.create(1, PoolOptions.builder().name("spin").cancelGrace(GRACE).build());
    try {
      CompletableFuture<Optional<Integer>> spinning = pool.submit(x -> {
        while (true) { // never checks for interrupts, and swallows what an interrupt breaks
          try {
            append(Path.of(path), "tick");
          } catch (Exception e) {
            Thread.interrupted();
          }
          long until = System.nanoTime() + 5_000_000;
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
        }
      }, 0);
      CompletableFuture<Optional<Integer>> behind = pool.submit(x -> x + 1, 41);
      await().atMost(WAIT).until(() -> lines(log) > 3);

      assertThat(spinning.cancel(true)).isTrue();
      assertThat(spinning).isCancelled();
      // its side effects stop within the grace and a second: the file no longer grows
      long[] seen = {-1};
      await().during(Duration.ofMillis(500)).atMost(GRACE.plusSeconds(1).plusMillis(500)).until(() -> {
        long now = lines(log);
        boolean same = now == seen[0];
        seen[0] = now;
        return same;
      });
      assertThat(behind).succeedsWithin(WAIT).isEqualTo(Optional.of(42));
      PoolStats stats = pool.stats();
      assertThat(stats.cancelled()).isEqualTo(1);
      assertThat(stats.completed()).isEqualTo(1);
      assertThat(stats.failed()).isZero();
      assertThat(stats.inFlight()).isZero();
      assertThat(stats.workerRestarts()).isEqualTo(1); // the worker that would not stop was replaced
    } finally {
      pool.terminate();
    }
  }

  @Test
  void close_justAfterCancellingARunningTaskThatIgnoresInterrupts_doesNotWaitForTheGrace() throws Exception {
    Path started = dir.resolve("spinning");
    String marker = started.toString();
    Duration longGrace = Duration.ofMinutes(5);
    Pool pool = Pool.create(2, PoolOptions.builder().name("spinclose").cancelGrace(longGrace).build());
    try {
      CompletableFuture<Optional<Integer>> spinning = pool.submit(x -> {
        append(Path.of(marker), "spinning");
        while (true) {
          Thread.interrupted();
          Thread.onSpinWait();
        }
      }, 0);
      CompletableFuture<Integer> other = pool.call(x -> x + 1, 1);
      await().atMost(WAIT).until(() -> Files.exists(started));
      assertThat(spinning.cancel(true)).isTrue();

      // the cancelled task's outcome is dropped anyway: its worker is killed, not waited for
      assertThat(pool.closeAsync()).succeedsWithin(Duration.ofSeconds(15));
      assertThat(other).isCompletedWithValue(2);
      PoolStats stats = pool.stats();
      assertThat(stats.cancelled()).isEqualTo(1);
      assertThat(stats.completed()).isEqualTo(1);
      assertThat(stats.failed()).isZero();
      assertThat(stats.inFlight()).isZero();
    } finally {
      pool.terminate();
    }
  }

  @Test
  void cancel_sleepingTask_interruptedAndTheSameWorkerRunsTheNextTask() throws Exception {
    Path started = dir.resolve("started");
    String marker = started.toString();
    Pool pool = Pool.create(1, PoolOptions.builder().name("sleeper").build());
    try {
      long pid = pool.call(x -> ProcessHandle.current().pid(), 0).get();
      CompletableFuture<Integer> sleeping = pool.call(x -> {
        append(Path.of(marker), "started");
        Thread.sleep(60_000);
        return x;
      }, 1);
      await().atMost(WAIT).until(() -> Files.exists(started));

      assertThat(sleeping.cancel(false)).isTrue();

      assertThat(pool.call(x -> ProcessHandle.current().pid(), 2)).succeedsWithin(WAIT).isEqualTo(pid);
      PoolStats stats = pool.stats();
      assertThat(stats.workerRestarts()).isZero();
      assertThat(stats.cancelled()).isEqualTo(1);
      assertThat(stats.inFlight()).isZero();
      assertThat(pool.closeAsync()).succeedsWithin(WAIT);
    } finally {
      pool.terminate();
    }
  }

  @Test
  void cancel_tasksWaitingBehindARunningOne_neverRun() throws Exception {
    Path ran = dir.resolve("ran.log");
    String ranPath = ran.toString();
    // depth 8: the waiting tasks sit in the worker's pipe; depth 1: in the master's queue
    for (int depth : new int[] {8, 1}) {
      // The first task runs until the master's service says "go". That answer travels on the
      // same pipe as the cancels, after them, so the worker has taken the cancelled tasks out of
      // its queue by the time its first task ends (a file as the signal raced the cancels).
      AtomicBoolean go = new AtomicBoolean();
      FullPool<Integer, Boolean, Integer> pool = FullPool.create(1,
          q -> CompletableFuture.completedFuture(go.get()), 0,
          PoolOptions.builder().name("queued" + depth).pipelineDepth(depth).build());
      try {
        FullFunction<Integer, Boolean, Integer, Integer, Integer> record = (serv, env, x) -> {
          append(Path.of(ranPath), depth + ":" + x);
          while (x == 0 && !serv.request(0)) {
            Thread.sleep(10);
          }
          return x;
        };
        CompletableFuture<Integer> blocker = pool.call(record, 0);
        List<CompletableFuture<Integer>> waiting = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
          waiting.add(pool.call(record, i));
        }
        await().atMost(WAIT).until(() -> lines(ran) > 0);
        assertThat(waiting.get(1).cancel(true)).isTrue();
        assertThat(waiting.get(3).cancel(true)).isTrue();
        go.set(true);

        assertThat(blocker).succeedsWithin(WAIT);
        for (int i : new int[] {0, 2, 4}) {
          assertThat(waiting.get(i)).succeedsWithin(WAIT).isEqualTo(i + 1);
        }
        assertThat(Files.readAllLines(ran)).doesNotContain(depth + ":2", depth + ":4");
        assertThat(pool.stats().cancelled()).isEqualTo(2);
        assertThat(pool.stats().completed()).isEqualTo(4);
        assertThat(pool.closeAsync()).succeedsWithin(WAIT);
      } finally {
        pool.terminate();
      }
    }
  }

  @Test
  void cancel_thousandTasksAtRandomUnderLoad_eachFutureOnceEachTaskAtMostOnceStatsAddUp() throws Exception {
    Path starts = dir.resolve("starts.log");
    String path = starts.toString();
    Pool pool = Pool.create(2, PoolOptions.builder().name("randomcancel").cancelGrace(GRACE).build());
    try {
      int n = 1000;
      List<CompletableFuture<Optional<Integer>>> futures = new ArrayList<>();
      AtomicInteger[] completions = new AtomicInteger[n];
      for (int i = 0; i < n; i++) {
        completions[i] = new AtomicInteger();
        int id = i;
        CompletableFuture<Optional<Integer>> f = pool.submit(x -> {
          append(Path.of(path), Integer.toString(x));
          if (x % 7 == 0) {
            Thread.sleep(5); // interruptible
          }
          return x;
        }, i);
        f.whenComplete((v, e) -> completions[id].incrementAndGet());
        futures.add(f);
      }
      Random random = new Random(42);
      Set<Integer> cancelledIds = new HashSet<>(); // cancel() answers true again for a future already cancelled
      for (int k = 0; k < 400; k++) {
        int i = random.nextInt(n);
        if (futures.get(i).cancel(true)) {
          cancelledIds.add(i);
        }
      }
      CompletableFuture.allOf(futures.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
          .get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> pool.stats().inFlight() == 0 && pool.stats().queued() == 0);
      // nothing starts once the pool has settled
      long settled = lines(starts);
      await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> lines(starts) == settled);

      Map<Integer, Integer> runs = new HashMap<>();
      for (String line : Files.readAllLines(starts)) {
        runs.merge(Integer.parseInt(line), 1, Integer::sum);
      }
      int cancelled = 0;
      int completed = 0;
      for (int i = 0; i < n; i++) {
        assertThat(completions[i]).as("completions of task %d", i).hasValue(1);
        CompletableFuture<Optional<Integer>> f = futures.get(i);
        if (f.isCancelled()) {
          cancelled++;
          assertThat(runs.getOrDefault(i, 0)).as("runs of cancelled task %d", i).isLessThanOrEqualTo(1);
        } else {
          completed++;
          assertThat(f.getNow(null)).isEqualTo(Optional.of(i));
          assertThat(runs.get(i)).as("runs of task %d", i).isEqualTo(1);
        }
      }
      assertThat(cancelled).isEqualTo(cancelledIds.size()).isPositive();
      PoolStats stats = pool.stats();
      assertThat(stats.submitted()).isEqualTo(n);
      assertThat(stats.cancelled()).isEqualTo(cancelled);
      assertThat(stats.completed()).isEqualTo(completed);
      assertThat(stats.failed()).isZero();
      assertThat(stats.submitted()).isEqualTo(stats.completed() + stats.failed() + stats.cancelled());
    } finally {
      pool.terminate();
    }
  }

  @Test
  void cancel_fullTaskWaitingOnTheService_interruptedAndTheLateAnswerDropped() throws Exception {
    CompletableFuture<String> answer = new CompletableFuture<>();
    AtomicInteger asked = new AtomicInteger();
    FullPool<String, String, Integer> pool = FullPool.create(1, (String q) -> {
      asked.incrementAndGet();
      return (CompletionStage<String>) answer;
    }, 7, PoolOptions.builder().name("servcancel").build());
    try {
      long pid = pool.call((serv, env, x) -> ProcessHandle.current().pid(), 0).get();
      FullFunction<String, String, Integer, Integer, String> ask = (serv, env, x) -> serv.request("q" + x);
      CompletableFuture<String> waiting = pool.call(ask, 1);
      await().atMost(WAIT).until(() -> asked.get() == 1);

      assertThat(waiting.cancel(true)).isTrue();
      assertThat(pool.call((serv, env, x) -> env + x, 3)).succeedsWithin(WAIT).isEqualTo(10);
      answer.complete("late"); // the answer to a request nobody waits for any more
      assertThat(pool.call((serv, env, x) -> ProcessHandle.current().pid(), 4)).succeedsWithin(WAIT).isEqualTo(pid);
      assertThat(pool.stats().workerRestarts()).isZero();
      assertThat(pool.stats().cancelled()).isEqualTo(1);
    } finally {
      pool.terminate();
    }
  }
}
