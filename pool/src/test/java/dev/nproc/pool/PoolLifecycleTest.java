package dev.nproc.pool;

import static dev.nproc.pool.testing.Workers.alive;
import static dev.nproc.pool.testing.Workers.workerPids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.TaskFailedException;
import dev.nproc.core.WorkerInfo;
import dev.nproc.pool.testing.Logged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, closing, terminating and losing workers, each on a pool of its own. */
class PoolLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static Set<Long> newWorkers(Set<Long> before) {
    Set<Long> now = new HashSet<>(workerPids());
    now.removeAll(before);
    return now;
  }

  @Test
  void close_withQueuedTasks_finishesThemAllThenWorkersExit() {
    Set<Long> before = workerPids();
    Pool pool = Pool.create(2, PoolOptions.builder().name("drain").build());
    Set<Long> mine = newWorkers(before);
    assertThat(mine).hasSize(2);
    List<CompletableFuture<Optional<Integer>>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      futures.add(pool.submit(x -> {
        Thread.sleep(50);
        return x * 2;
      }, i));
    }
    CompletableFuture<Void> closing = pool.closeAsync();
    assertThatThrownBy(() -> pool.submit(x -> x, 1)).isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("drain").hasMessageContaining("closed");
    assertThat(closing).succeedsWithin(WAIT);
    for (int i = 0; i < futures.size(); i++) {
      assertThat(futures.get(i)).isCompletedWithValue(Optional.of(i * 2));
    }
    assertThat(mine).noneMatch(pid -> alive(pid));
    assertThat(pool.whenClosed()).isDone();
    // no thread of the pool outlives it: senders, readers, stderr pumps, timer, callbacks
    await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("drain-")));
    pool.close(); // idempotent
    assertThat(pool.closeAsync()).isDone();
  }

  @Test
  void terminate_withRunningAndQueuedTasks_cancelsThemAndKillsWorkers() {
    Set<Long> before = workerPids();
    Pool pool = Pool.create(2, PoolOptions.builder().name("kill").build());
    Set<Long> mine = newWorkers(before);
    List<CompletableFuture<Optional<Integer>>> futures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      futures.add(pool.submit(x -> {
        Thread.sleep(60_000);
        return x;
      }, i));
    }
    long started = System.nanoTime();
    pool.terminate();
    assertThat(futures).allMatch(CompletableFuture::isCancelled); // by the time terminate returns
    pool.terminate(); // idempotent
    for (CompletableFuture<Optional<Integer>> f : futures) {
      assertThat(f).failsWithin(WAIT).withThrowableOfType(CancellationException.class);
    }
    assertThat(pool.whenClosed()).succeedsWithin(WAIT);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    assertThat(mine).hasSize(2).noneMatch(pid -> alive(pid));
    assertThatThrownBy(() -> pool.call(x -> x, 1)).isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("terminated");
    pool.close(); // close after terminate returns once everything is gone
    assertThat(pool.stats().cancelled()).isEqualTo(10);
  }

  @Test
  void init_eachWorker_runsOnceWithItsIdBeforeTasks(@TempDir Path dir) throws Exception {
    String folder = dir.toString();
    try (Pool pool = Pool.create(2, PoolOptions.builder().name("init")
        .init(info -> Files.writeString(Path.of(folder, "worker-" + info.workerId()),
            info.pid() + " " + info.generation()))
        .build())) {
      assertThat(Files.readString(dir.resolve("worker-0"))).endsWith(" 0");
      assertThat(Files.readString(dir.resolve("worker-1"))).endsWith(" 0");
      // a task sees what init did in its own worker
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        seen.add(pool.<String, String>call(f -> {
          long pid = ProcessHandle.current().pid();
          for (String n : List.of("worker-0", "worker-1")) {
            if (Files.readString(Path.of(f, n)).startsWith(pid + " ")) {
              return n;
            }
          }
          return "none";
        }, folder).join());
      }
      assertThat(seen).doesNotContain("none");
    }
  }

  @Test
  void init_throws_createFailsWithTheInitError() {
    Set<Long> before = workerPids();
    Logged log = new Logged();
    assertThatThrownBy(() -> Pool.create(2, PoolOptions.builder().name("badinit").respawn(false).errorLog(log)
        .init(info -> {
          throw new IllegalStateException("no licence for worker " + info.workerId());
        }).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no worker could start")
        .hasMessageContaining("no licence for worker");
    await().atMost(WAIT).until(() -> newWorkers(before).isEmpty());
    log.awaitLine("pool badinit: worker ", "failed in its init hook", "no licence for worker");
  }

  @Test
  void sigkill_workerRunningATask_taskFailsWorkerReplacedOthersUnharmed(@TempDir Path dir) throws Exception {
    ConcurrentLinkedQueue<WorkerFailure> failures = new ConcurrentLinkedQueue<>();
    Set<Long> before = workerPids();
    Logged log = new Logged();
    try (Pool pool = Pool.create(2, PoolOptions.builder().name("sigkill").onWorkerFailure(failures::add)
        .errorLog(log).build())) {
      Set<Long> original = newWorkers(before);
      String marker = dir.resolve("victim").toString();
      CompletableFuture<Integer> victim = pool.call(x -> {
        Files.writeString(Path.of(marker), Long.toString(ProcessHandle.current().pid()));
        Thread.sleep(60_000);
        return x;
      }, 1);
      List<CompletableFuture<Integer>> others = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        others.add(pool.call(x -> {
          Thread.sleep(20);
          return x + 100;
        }, i));
      }
      await().atMost(WAIT).until(() -> Files.exists(dir.resolve("victim")) && Files.size(dir.resolve("victim")) > 0);
      long pid = Long.parseLong(Files.readString(dir.resolve("victim")));
      assertThat(original).contains(pid);
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();

      assertThat(victim).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOfSatisfying(TaskFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.WORKER_DIED);
            assertThat(e.getMessage()).contains("SIGKILL").contains(Long.toString(pid));
          });
      for (int i = 0; i < others.size(); i++) {
        assertThat(others.get(i)).succeedsWithin(WAIT).isEqualTo(i + 100);
      }
      await().atMost(WAIT).until(() -> failures.size() == 1);
      WorkerFailure failure = failures.peek();
      assertThat(failure.worker().pid()).isEqualTo(pid);
      assertThat(failure.signal()).isEqualTo("SIGKILL");
      assertThat(failure.exitCode()).isEqualTo(137);
      await().atMost(WAIT).until(() -> newWorkers(before).size() == 2);
      assertThat(newWorkers(before)).doesNotContain(pid);
      assertThat(pool.stats().workerRestarts()).isEqualTo(1);
      // the replacement works, and runs in a new process
      Set<Long> pids = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        pids.add(pool.<Integer, Long>call(x -> ProcessHandle.current().pid(), i).join());
      }
      assertThat(pids).doesNotContain(pid);
      log.awaitLine("pool sigkill: worker ", "(pid " + pid + ") died (killed by SIGKILL)");
    }
  }

  @Test
  void systemExit_inTask_taskFailsWithExitCodeAndPoolGoesOn() {
    Logged log = new Logged();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("exit").errorLog(log).build())) {
      assertThat(pool.<Integer, Integer>call(x -> {
        System.err.println("about to exit");
        System.exit(x);
        return 0;
      }, 42)).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOfSatisfying(TaskFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.WORKER_DIED);
            assertThat(e.getMessage()).contains("exit code 42").contains("about to exit");
          });
      assertThat(pool.<Integer, Integer>call(x -> x + 1, 1)).succeedsWithin(WAIT).isEqualTo(2);
      log.awaitLine("pool exit: worker 0", "died (exit code 42)");
    }
  }

  @Test
  void respawnOff_lastWorkerDies_queuedTasksFailNotRun() {
    Logged log = new Logged();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("norespawn").respawn(false).errorLog(log).build())) {
      CompletableFuture<Integer> dies = pool.call(x -> {
        Runtime.getRuntime().halt(9);
        return x;
      }, 1);
      CompletableFuture<Integer> queued = pool.call(x -> {
        Thread.sleep(100);
        return x;
      }, 2);
      CompletableFuture<Integer> queued2 = pool.call(x -> x, 3);
      assertThat(dies).failsWithin(WAIT);
      for (CompletableFuture<Integer> f : List.of(queued, queued2)) {
        assertThat(f).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
            .havingCause().isInstanceOfSatisfying(TaskFailedException.class,
                e -> assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.NOT_RUN));
      }
      assertThat(pool.call(x -> x, 4)).failsWithin(WAIT);
      log.awaitLine("pool norespawn: worker 0", "died (exit code 9)");
    }
  }

  @Test
  void workerOutput_toFiles_writesEachWorkersLines(@TempDir Path dir) throws Exception {
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("files").workerOutput(WorkerOutput.toFiles(dir)).build())) {
      pool.<String, Integer>call(s -> {
        System.out.println(s);
        System.err.println("err " + s);
        return 0;
      }, "hello-from-task").join();
    }
    Path log = dir.resolve("files-worker-0.log");
    assertThat(Files.readString(log)).contains("hello-from-task").contains("err hello-from-task");
  }

  @Test
  void create_badArguments_clearErrors() {
    assertThatThrownBy(() -> Pool.create(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nproc");
    assertThatThrownBy(() -> Pool.create(1, PoolOptions.builder().javaHome(Path.of("/no/such/jdk")).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such/jdk");
    Set<Long> before = workerPids();
    Logged log = new Logged();
    assertThatThrownBy(() -> Pool.create(1, PoolOptions.builder().name("badjvm").respawn(false).errorLog(log)
        .jvmArgs(List.of("-XX:+NoSuchOption")).build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("NoSuchOption");
    log.awaitLine("pool badjvm: worker 0", "NoSuchOption");
    assertThat(newWorkers(before)).isEmpty();
  }

  @Test
  void builder_settingTwiceOrOutOfRange_rejectedNamingIt() {
    assertThatThrownBy(() -> PoolOptions.builder().name("a").name("b"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("PoolOptions.name is given twice");
    assertThatThrownBy(() -> PoolOptions.builder().maxMessageSize(10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageSize");
    assertThatThrownBy(() -> PoolOptions.builder().taskTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taskTimeout");
    assertThatThrownBy(() -> PoolOptions.builder().maxTasksPerWorker(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTasksPerWorker");
    assertThatThrownBy(() -> PoolOptions.builder().name(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    PoolOptions o = PoolOptions.builder().name("x").respawn(false).build();
    assertThat(o.name()).isEqualTo("x");
    assertThat(o.respawn()).isFalse();
    assertThat(PoolOptions.defaults().maxMessageSize()).isEqualTo(PoolOptions.DEFAULT_MAX_MESSAGE_SIZE);
    PoolOptions more = o.toBuilder().name("y").maxTasksPerWorker(3).build();
    assertThat(more.name()).isEqualTo("y");
    assertThat(more.respawn()).isFalse();
    assertThat(more.maxTasksPerWorker()).isEqualTo(3);
    assertThatThrownBy(() -> o.toBuilder().name("y").name("z")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void close_workerWhoseShutdownHookBlocks_killedAfterTheGraceAndCloseCompletes() {
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    Set<Long> before = workerPids();
    Pool pool = Pool.create(1, PoolOptions.builder().name("stubborn").errorLog(errors::add)
        .init(info -> Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            Thread.sleep(600_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }))).build());
    Set<Long> mine = newWorkers(before);
    assertThat(pool.<Integer, Integer>call(x -> x + 1, 1)).succeedsWithin(WAIT).isEqualTo(2);
    assertThat(pool.closeAsync()).succeedsWithin(WAIT);
    // logs reach errorLog on a callback thread, after the pool's state is settled
    await().atMost(WAIT).untilAsserted(() -> assertThat(errors)
        .anySatisfy(m -> assertThat(m).contains("did not exit within")));
    assertThat(mine).hasSize(1).noneMatch(pid -> alive(pid));
  }

  @Test
  void workerInfo_isARecordOfIdPidGeneration() {
    assertThat(new WorkerInfo(1, 2, 3)).isEqualTo(new WorkerInfo(1, 2, 3));
  }
}
