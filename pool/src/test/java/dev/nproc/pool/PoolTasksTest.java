package dev.nproc.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.SerializableFunction;
import dev.nproc.core.TaskFailedException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What tasks can do and what comes back, on one shared pool of two workers. */
class PoolTasksTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ConcurrentLinkedQueue<String> ERRORS = new ConcurrentLinkedQueue<>();
  private static Pool pool;

  @BeforeAll
  static void startPool() {
    pool = Pool.create(2, PoolOptions.builder().name("tasks").errorLog(ERRORS::add).build());
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  record Point(int x, int y) {}

  static final class NotSerializable {
    final int value = 3;
  }

  static class CheckedFailure extends Exception {
    final int code;

    CheckedFailure(String message, int code) {
      super(message);
      this.code = code;
    }
  }

  @Test
  void submit_valuesOfManyTypes_roundTrip() {
    assertThat(pool.<Integer, Integer>submit(x -> x * x, 12)).succeedsWithin(WAIT).isEqualTo(Optional.of(144));
    assertThat(pool.<String, String>submit(String::toUpperCase, "héllo")).succeedsWithin(WAIT)
        .isEqualTo(Optional.of("HÉLLO"));
    assertThat(pool.<Point, Point>submit(p -> new Point(p.y(), p.x()), new Point(1, 2))).succeedsWithin(WAIT)
        .isEqualTo(Optional.of(new Point(2, 1)));
    assertThat(pool.<List<Integer>, Integer>submit(l -> l.stream().mapToInt(i -> i).sum(), List.of(1, 2, 3)))
        .succeedsWithin(WAIT).isEqualTo(Optional.of(6));
  }

  @Test
  void submit_lambdaWithCapturedVariables_seesThem() {
    int offset = 1000;
    String suffix = "!";
    List<String> words = new ArrayList<>(List.of("a", "b"));
    assertThat(pool.<Integer, String>submit(x -> (x + offset) + suffix + words, 1)).succeedsWithin(WAIT)
        .isEqualTo(Optional.of("1001![a, b]"));
  }

  @Test
  void submit_sameLambdaWithChangedCapturedState_keepsItsFirstSnapshotAndANewLambdaSeesTheChange() {
    int[] box = {1};
    SerializableFunction<Integer, Integer> f = x -> x + box[0];
    assertThat(pool.submit(f, 10)).succeedsWithin(WAIT).isEqualTo(Optional.of(11));
    box[0] = 5;
    assertThat(pool.submit(f, 10)).succeedsWithin(WAIT).isEqualTo(Optional.of(11)); // encoded once per object
    SerializableFunction<Integer, Integer> g = x -> x + box[0];
    assertThat(pool.submit(g, 10)).succeedsWithin(WAIT).isEqualTo(Optional.of(15));
  }

  @Test
  void call_checkedException_failsWithRemoteDetails() {
    CompletableFuture<Integer> f = pool.call(x -> {
      throw new CheckedFailure("bad input " + x, 42);
    }, 7);
    assertThat(f).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(TaskFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.TASK_THREW);
          assertThat(e.remoteClassName()).isEqualTo(CheckedFailure.class.getName());
          assertThat(e.remoteMessage()).isEqualTo("bad input 7");
          assertThat(e.remoteStackTrace()).contains("PoolTasksTest");
          assertThat(e.getMessage()).contains("bad input 7").contains("worker");
          assertThat(e.getCause()).isInstanceOfSatisfying(CheckedFailure.class, c -> assertThat(c.code).isEqualTo(42));
        });
  }

  @Test
  void submit_taskThrows_emptyAndLoggedWithRemoteStackTrace() {
    ERRORS.clear();
    assertThat(pool.<Integer, Integer>submit(x -> 10 / x, 0)).succeedsWithin(WAIT).isEqualTo(Optional.empty());
    // the future completes first, then the failure is logged (a log that blocks must not hold the future)
    await().atMost(WAIT).untilAsserted(() -> assertThat(ERRORS).anySatisfy(m -> assertThat(m)
        .contains("ArithmeticException").contains("/ by zero").contains("PoolTasksTest")));
  }

  @Test
  void submitAndCall_nullResult_emptyAndNull() {
    assertThat(pool.<Integer, String>submit(x -> null, 1)).succeedsWithin(WAIT).isEqualTo(Optional.empty());
    assertThat(pool.<Integer, String>call(x -> null, 1)).succeedsWithin(WAIT).isNull();
  }

  @Test
  void submit_nullArgument_reachesTheFunction() {
    assertThat(pool.<String, Boolean>call(s -> s == null, null)).succeedsWithin(WAIT).isEqualTo(true);
  }

  @Test
  void submit_captureNotSerializable_failsAtOnceNamingTheClass() {
    NotSerializable captured = new NotSerializable();
    long before = pool.stats().submitted();
    assertThatThrownBy(() -> pool.<Integer, Integer>submit(x -> x + captured.value, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("function cannot be serialized")
        .hasMessageContaining(NotSerializable.class.getName());
    assertThatThrownBy(() -> pool.submit(x -> x, new NotSerializable()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("argument cannot be serialized")
        .hasMessageContaining(NotSerializable.class.getName());
    assertThat(pool.stats().submitted()).isEqualTo(before);
  }

  @Test
  void call_resultNotSerializable_failsWithThatKind() {
    assertThat(pool.<Integer, Object>call(x -> new NotSerializable(), 1)).failsWithin(WAIT)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(TaskFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE);
          assertThat(e.getMessage()).contains(NotSerializable.class.getName());
        });
    assertThat(pool.<Integer, Integer>submit(x -> x + 1, 1)).succeedsWithin(WAIT).isEqualTo(Optional.of(2));
  }

  @Test
  void submit_taskPrintsToStdout_resultsUnharmed() {
    List<CompletableFuture<Optional<Integer>>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      futures.add(pool.submit(x -> {
        for (int j = 0; j < 200; j++) {
          System.out.println("noise " + x + " " + j + " NP\u0000\u0001 frame-looking garbage");
          System.out.print("no newline ");
        }
        System.out.flush();
        return x;
      }, i));
    }
    for (int i = 0; i < futures.size(); i++) {
      assertThat(futures.get(i)).succeedsWithin(WAIT).isEqualTo(Optional.of(i));
    }
  }

  @Test
  void submit_byteArrayChangedAfterSubmit_taskSeesItAsItWasAtSubmit() {
    // Keep both workers' pipelines full, so that the array's task waits in the master's queue
    // while the caller reuses the array.
    List<CompletableFuture<Integer>> busy = new ArrayList<>();
    for (int i = 0; i < 2 * 8; i++) {
      busy.add(pool.<Integer, Integer>call(x -> {
        Thread.sleep(40);
        return x;
      }, i));
    }
    byte[] buffer = {1, 2, 3};
    CompletableFuture<Integer> sum = pool.call(b -> b[0] + b[1] + b[2], buffer);
    buffer[0] = 100;
    assertThat(sum).succeedsWithin(WAIT).isEqualTo(6);
    assertThat(busy).allSatisfy(f -> assertThat(f).succeedsWithin(WAIT));
  }

  @Test
  void submit_64MiBEachWay_roundTrips() {
    byte[] big = new byte[64 << 20];
    for (int i = 0; i < big.length; i += 4096) {
      big[i] = (byte) i;
    }
    CompletableFuture<byte[]> doubled = pool.call(b -> {
      byte[] out = new byte[b.length];
      for (int i = 0; i < b.length; i++) {
        out[i] = (byte) (b[i] * 2);
      }
      return out;
    }, big);
    byte[] back = doubled.orTimeout(60, TimeUnit.SECONDS).join();
    assertThat(back).hasSize(big.length);
    for (int i = 0; i < big.length; i += 4096) {
      assertThat(back[i]).isEqualTo((byte) (big[i] * 2));
    }
  }

  @Test
  void submit_12000TasksFrom8Threads_eachCompletesOnceWithItsValue() throws Exception {
    int threads = 8;
    int perThread = 1500;
    ExecutorService submitters = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<List<CompletableFuture<Optional<Long>>>>> batches = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long base = t * 1_000_000L;
        batches.add(CompletableFuture.supplyAsync(() -> {
          List<CompletableFuture<Optional<Long>>> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            mine.add(pool.submit(x -> x * 3, base + i));
          }
          return mine;
        }, submitters));
      }
      long seen = 0;
      for (int t = 0; t < threads; t++) {
        List<CompletableFuture<Optional<Long>>> mine = batches.get(t).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < perThread; i++) {
          assertThat(mine.get(i).get(60, TimeUnit.SECONDS)).contains((t * 1_000_000L + i) * 3);
          seen++;
        }
      }
      assertThat(seen).isEqualTo(12_000);
    } finally {
      submitters.shutdownNow();
    }
  }

  @Test
  void thenApply_waitsForALaterResultOfTheSameBurst_everyCallbackRuns() {
    // Each worker's first task sleeps while the next ones queue up behind it; then their results
    // arrive together and are completed as one batch. Callbacks that wait for the burst's last
    // result must not stall that batch.
    List<CompletableFuture<Optional<Integer>>> burst = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      burst.add(pool.<Integer, Integer>submit(x -> {
        if (x < 2) {
          Thread.sleep(300);
        }
        return x;
      }, i));
    }
    CompletableFuture<Optional<Integer>> last = burst.get(burst.size() - 1);
    List<CompletableFuture<Integer>> waiting = new ArrayList<>();
    for (int i = 0; i < burst.size() - 1; i++) {
      waiting.add(burst.get(i).thenApply(v -> v.orElseThrow() + last.join().orElseThrow()));
    }
    for (int i = 0; i < waiting.size(); i++) {
      assertThat(waiting.get(i)).succeedsWithin(WAIT).isEqualTo(i + 15);
    }
  }

  @Test
  void thenAccept_callbackBlocks_otherResultsStillArrive() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    // The task outlasts the registration of the callback, so the callback runs on a pool thread.
    CompletableFuture<Void> blocked = pool.<Integer, Integer>submit(x -> {
      Thread.sleep(500);
      return x;
    }, 1).thenAccept(v -> {
          started.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<Optional<Integer>>> others = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        others.add(pool.submit(x -> x + 1, i));
      }
      for (int i = 0; i < others.size(); i++) {
        assertThat(others.get(i)).succeedsWithin(WAIT).isEqualTo(Optional.of(i + 1));
      }
      assertThat(blocked).isNotDone();
    } finally {
      release.countDown();
    }
    assertThat(blocked).succeedsWithin(WAIT);
  }

  @Test
  void submit_shortTasksPipelinedBehindALongOne_takenBackByTheIdleWorker() {
    // Dispatch spreads tasks over both workers, so some short tasks land behind the long one.
    // The idle worker must take them back (REVOKE) instead of letting them wait 5 s.
    CompletableFuture<Long> slow = pool.call(x -> {
      Thread.sleep(5_000);
      return ProcessHandle.current().pid();
    }, 0);
    List<CompletableFuture<Long>> quick = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      quick.add(pool.call(x -> ProcessHandle.current().pid(), i));
    }
    for (CompletableFuture<Long> q : quick) {
      assertThat(q).succeedsWithin(Duration.ofSeconds(3));
    }
    assertThat(slow).isNotDone();
    Long slowPid = slow.join();
    assertThat(quick).allSatisfy(q -> assertThat(q.join()).isNotEqualTo(slowPid));
  }

  @Test
  void submit_sameFunctionManyTimes_sentOnceAndStillCorrect() {
    SerializableFunction<int[], Integer> sum = a -> Arrays.stream(a).sum();
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      futures.add(pool.call(sum, new int[] {i, 1}));
    }
    for (int i = 0; i < futures.size(); i++) {
      assertThat(futures.get(i)).succeedsWithin(WAIT).isEqualTo(i + 1);
    }
  }

  @Test
  void stats_afterWork_countsAgree() {
    PoolStats before = pool.stats();
    pool.<Integer, Integer>call(x -> x, 1).join();
    pool.<Integer, Integer>submit(x -> 1 / 0, 1).join();
    PoolStats after = pool.stats();
    assertThat(after.submitted() - before.submitted()).isEqualTo(2);
    assertThat(after.completed() - before.completed()).isGreaterThanOrEqualTo(1);
    assertThat(after.failed() - before.failed()).isGreaterThanOrEqualTo(1);
    assertThat(pool.size()).isEqualTo(2);
  }

  @Test
  void submit_runsInAnotherProcess() throws IOException {
    long master = ProcessHandle.current().pid();
    assertThat(pool.<Integer, Long>call(x -> ProcessHandle.current().pid(), 0)).succeedsWithin(WAIT)
        .isNotEqualTo(master);
  }
}
