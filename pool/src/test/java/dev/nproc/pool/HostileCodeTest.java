package dev.nproc.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.SerializableFunction;
import dev.nproc.core.TaskFailedException;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** User code that misbehaves in the ways that hang other pools: the task and the pool's own hooks. */
class HostileCodeTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** An exception whose getMessage throws. */
  static final class MessageThrows extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public String getMessage() {
      throw new IllegalStateException("no message for you");
    }
  }

  /** An exception whose toString throws, which breaks printStackTrace. */
  static final class ToStringThrows extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public String toString() {
      throw new IllegalStateException("no text for you");
    }
  }

  /** An exception whose getCause throws an Error. */
  static final class CauseThrows extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public synchronized Throwable getCause() {
      throw new AssertionError("no cause for you");
    }
  }

  /** An exception whose serialization throws an Error. */
  static final class SerializationThrows extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private void writeObject(ObjectOutputStream out) {
      throw new StackOverflowError("not serializing this");
    }
  }

  static RuntimeException causeLoop() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    return a;
  }

  @Test
  void call_exceptionsWhoseOwnMethodsMisbehave_eachFailsTaskThrewAndThePoolGoesOn() {
    List<SerializableFunction<Integer, Integer>> hostile = List.of(
        x -> { throw new MessageThrows(); },
        x -> { throw new ToStringThrows(); },
        x -> { throw new CauseThrows(); },
        x -> { throw new SerializationThrows(); },
        x -> { throw causeLoop(); });
    List<String> classes = List.of(MessageThrows.class.getName(), ToStringThrows.class.getName(),
        CauseThrows.class.getName(), SerializationThrows.class.getName(), RuntimeException.class.getName());
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("hostile").errorLog(errors::add).build())) {
      for (int i = 0; i < hostile.size(); i++) {
        String expected = classes.get(i);
        assertThat(pool.call(hostile.get(i), i)).failsWithin(WAIT).withThrowableOfType(Exception.class)
            .havingCause().isInstanceOfSatisfying(TaskFailedException.class, e -> {
              assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.TASK_THREW);
              assertThat(e.remoteClassName()).isEqualTo(expected);
            });
        assertThat(pool.call(x -> x + 1, i)).as("the task after hostile exception %d", i)
            .succeedsWithin(WAIT).isEqualTo(i + 1);
      }
      assertThat(pool.stats().workerRestarts()).isZero();
      assertThat(pool.stats().failed()).isEqualTo(hostile.size());
    }
  }

  @Test
  void errorLog_throws_futuresCompleteAndADeadWorkerIsStillReplacedAndReported() throws Exception {
    ConcurrentLinkedQueue<WorkerFailure> failures = new ConcurrentLinkedQueue<>();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("badlog")
        .errorLog(m -> { throw new IllegalStateException("the log is broken"); })
        .onWorkerFailure(failures::add).build())) {
      assertThat(pool.<Integer, Integer>submit(x -> 10 / x, 0)).succeedsWithin(WAIT).isEqualTo(Optional.empty());

      long pid = pool.call(x -> ProcessHandle.current().pid(), 0).get();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      await().atMost(WAIT).until(() -> failures.size() == 1);
      assertThat(pool.call(x -> ProcessHandle.current().pid(), 1)).succeedsWithin(WAIT).isNotEqualTo(pid);
      assertThat(pool.stats().workerRestarts()).isEqualTo(1);
    }
  }

  @Test
  void errorLog_blocks_otherResultsAndStatsAreNotDelayed() {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    Pool pool = Pool.create(1, PoolOptions.builder().name("slowlog").errorLog(m -> {
      entered.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }).build());
    try {
      CompletableFuture<Optional<Integer>> failing = pool.submit(x -> 10 / x, 0);
      assertThat(failing).succeedsWithin(WAIT).isEqualTo(Optional.empty());
      assertThat(awaitQuietly(entered)).isTrue();
      // the log is stuck in its call: results, stats and other failures still flow
      for (int i = 0; i < 20; i++) {
        assertThat(pool.call(x -> x * 2, i)).succeedsWithin(WAIT).isEqualTo(i * 2);
      }
      assertThat(pool.submit(x -> 10 / x, 0)).succeedsWithin(WAIT).isEqualTo(Optional.empty());
      assertThat(pool.stats().completed()).isEqualTo(20);
    } finally {
      release.countDown();
      pool.terminate();
    }
  }

  @Test
  void onWorkerFailure_throws_reportedToTheErrorLogAndThePoolGoesOn() throws Exception {
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("badhook").errorLog(errors::add)
        .onWorkerFailure(f -> { throw new IllegalStateException("the hook is broken"); }).build())) {
      long pid = pool.call(x -> ProcessHandle.current().pid(), 0).get();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      await().atMost(WAIT).untilAsserted(() -> assertThat(errors)
          .anySatisfy(m -> assertThat(m).contains("onWorkerFailure threw").contains("the hook is broken")));
      assertThat(pool.call(x -> x + 1, 1)).succeedsWithin(WAIT).isEqualTo(2);
    }
  }

  private static boolean awaitQuietly(CountDownLatch latch) {
    try {
      return latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
