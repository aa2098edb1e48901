package dev.nproc.pool;

import static dev.nproc.pool.testing.Workers.exited;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.SerializableFunction;
import dev.nproc.pool.testing.Logged;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** Processes that tasks start: they end with their worker, and they cannot hide its death. */
class ProcessTreeTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Starts {@code sleep 90}, sharing the worker's stdout and stderr when asked, and gives its pid once it has run a while. */
  private static SerializableFunction<Boolean, Long> startSleeper() {
    return inheritIo -> {
      ProcessBuilder sleeper = new ProcessBuilder("sleep", "90");
      if (inheritIo) {
        sleeper.inheritIO(); // the usual idiom: the child now holds the worker's frame pipe open too
      }
      long pid = sleeper.start().pid();
      Thread.sleep(1_000); // long enough to be seen as the worker's child
      return pid;
    };
  }

  @Test
  void sigkill_workerWhoseChildHoldsItsOutput_deathSeenWorkerReplacedChildEnded() throws Exception {
    ConcurrentLinkedQueue<WorkerFailure> failures = new ConcurrentLinkedQueue<>();
    Logged log = new Logged();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("heldpipe").onWorkerFailure(failures::add)
        .errorLog(log).build())) {
      long worker = pool.call(x -> ProcessHandle.current().pid(), 0).get();
      long child = pool.call(startSleeper(), true).get();
      assertThat(exited(child)).isFalse();

      ProcessHandle.of(worker).orElseThrow().destroyForcibly();

      await().atMost(WAIT).until(() -> failures.size() == 1);
      assertThat(failures.peek().signal()).isEqualTo("SIGKILL");
      assertThat(pool.call(x -> ProcessHandle.current().pid(), 1)).succeedsWithin(WAIT).isNotEqualTo(worker);
      await().atMost(WAIT).until(() -> exited(child));
      log.awaitLine("pool heldpipe: worker 0", "died (killed by SIGKILL)");
    }
  }

  @Test
  void close_workerWhoseTaskStartedAProcess_theProcessEndsWithIt() throws Exception {
    Pool pool = Pool.create(1, PoolOptions.builder().name("childclose").build());
    long child;
    try {
      child = pool.call(startSleeper(), false).get();
      assertThat(exited(child)).isFalse();
    } finally {
      pool.close();
    }
    await().atMost(WAIT).until(() -> exited(child));
  }

  @Test
  void terminate_withAPoolWhoseChildHoldsTheOutput_closesPromptly() throws Exception {
    Pool pool = Pool.create(1, PoolOptions.builder().name("heldterm").build());
    long child = pool.call(startSleeper(), true).get();
    pool.terminate();
    assertThat(pool.whenClosed()).succeedsWithin(WAIT);
    await().atMost(WAIT).until(() -> exited(child));
  }

  @Test
  void close_endChildProcessesOff_theProcessOutlivesItsWorker() throws Exception {
    Pool pool = Pool.create(1, PoolOptions.builder().name("keepchild").endChildProcesses(false).build());
    long child;
    try {
      child = pool.call(startSleeper(), false).get();
    } finally {
      pool.close();
    }
    try {
      await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !exited(child));
    } finally {
      ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
