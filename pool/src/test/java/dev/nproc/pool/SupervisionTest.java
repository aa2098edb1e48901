package dev.nproc.pool;

import static dev.nproc.pool.testing.Workers.workerPids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.TaskFailedException;
import dev.nproc.pool.testing.Logged;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool's policies under real faults: timeouts, recycling, out of memory, crash loops, bad streams. */
class SupervisionTest {
  private static final Duration WAIT = Duration.ofSeconds(40);

  private static TaskFailedException failure(CompletableFuture<?> f) {
    assertThat(f).failsWithin(WAIT);
    try {
      f.get();
      throw new AssertionError("not failed");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(TaskFailedException.class);
      return (TaskFailedException) e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void taskTimeout_runawayAndStoppedTasks_failTimedOutQueuedTasksRun() throws Exception {
    ConcurrentLinkedQueue<WorkerFailure> deaths = new ConcurrentLinkedQueue<>();
    Logged log = new Logged();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("timeout").taskTimeout(Duration.ofSeconds(1))
        .onWorkerFailure(deaths::add).errorLog(log).build())) {
      CompletableFuture<Integer> runaway = pool.call(x -> {
        while (true) {
          Thread.onSpinWait();
        }
      }, 1);
      List<CompletableFuture<Integer>> queued = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        queued.add(pool.call(x -> x * 2, i));
      }
      TaskFailedException e = failure(runaway);
      assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.TIMED_OUT);
      assertThat(e.getMessage()).contains("taskTimeout").contains("PT1S");
      for (int i = 0; i < queued.size(); i++) {
        assertThat(queued.get(i)).succeedsWithin(WAIT).isEqualTo(i * 2);
      }
      // A worker stopped with SIGSTOP is caught the same way.
      long pid = pool.<Integer, Long>call(x -> ProcessHandle.current().pid(), 0).join();
      CompletableFuture<Integer> stopped = pool.call(x -> {
        Thread.sleep(300);
        return x;
      }, 1);
      new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
      assertThat(failure(stopped).kind()).isEqualTo(TaskFailedException.Kind.TIMED_OUT);
      assertThat(pool.<Integer, Integer>call(x -> x + 1, 1)).succeedsWithin(WAIT).isEqualTo(2);
      await().atMost(WAIT).until(() -> deaths.size() == 2);
      log.awaitLine("pool timeout: worker 0", "ran longer than taskTimeout (PT1S)");
    }
  }

  @Test
  void maxTasksPerWorker_recyclesWorkersWithoutFailingTasks() {
    try (Pool pool = Pool.create(2, PoolOptions.builder().name("recycle").maxTasksPerWorker(5).build())) {
      List<CompletableFuture<Long>> pids = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        pids.add(pool.call(x -> ProcessHandle.current().pid(), i));
      }
      Set<Long> distinct = new HashSet<>();
      for (CompletableFuture<Long> f : pids) {
        assertThat(f).succeedsWithin(WAIT);
        distinct.add(f.join());
      }
      assertThat(distinct).hasSizeGreaterThanOrEqualTo(8);
      assertThat(pool.stats().failed()).isZero();
      assertThat(pool.stats().workerRestarts()).isGreaterThanOrEqualTo(6);
    }
  }

  @Test
  void outOfMemory_inTask_taskFailsSayingSoAndPoolGoesOn(@TempDir Path dir) {
    Logged log = new Logged();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("oom").jvmArgs(List.of("-Xmx64m"))
        .errorLog(log).workerOutput(WorkerOutput.toFiles(dir)).build())) {
      CompletableFuture<Integer> hog = pool.call(x -> {
        List<long[]> hoard = new ArrayList<>();
        while (true) {
          hoard.add(new long[1 << 20]);
        }
      }, 1);
      TaskFailedException e = failure(hog);
      assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.WORKER_DIED);
      assertThat(e.getMessage()).contains("out of memory");
      assertThat(pool.<Integer, Integer>call(x -> x + 1, 1)).succeedsWithin(WAIT).isEqualTo(2);
      log.awaitLine("pool oom: worker 0", "out of memory");
    }
    // the JVM's own last words went to the worker's output, here a file
    await().atMost(WAIT).untilAsserted(() -> assertThat(Files.readString(dir.resolve("oom-worker-0.log")))
        .contains("Terminating due to java.lang.OutOfMemoryError"));
  }

  @Test
  void crashLoop_initFailsInReplacements_slotGivenUpAndQueuedTasksFail(@TempDir Path dir) throws Exception {
    // The first worker starts; every later one fails in init. After the first dies, the pool
    // tries MAX_START_FAILURES replacements with backoff, then fails what is queued.
    String flag = dir.resolve("started-once").toString();
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("crashloop").errorLog(errors::add)
        .init(info -> {
          if (info.generation() > 0) {
            throw new IllegalStateException("cannot start generation " + info.generation());
          }
          Files.writeString(Path.of(flag), "ok");
        }).build())) {
      CompletableFuture<Integer> dies = pool.call(x -> {
        Runtime.getRuntime().halt(1);
        return x;
      }, 1);
      CompletableFuture<Integer> queued = pool.call(x -> x, 2);
      assertThat(failure(dies).kind()).isEqualTo(TaskFailedException.Kind.WORKER_DIED);
      TaskFailedException e = failure(queued);
      assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.NOT_RUN);
      assertThat(e.getMessage()).contains("failed to start 3 times").contains("cannot start generation");
      // logs reach errorLog on a callback thread, after the futures are completed
      await().atMost(WAIT).untilAsserted(() -> assertThat(errors)
          .anySatisfy(m -> assertThat(m).contains("slot is given up")));
      assertThat(failure(pool.call(x -> x, 3)).kind()).isEqualTo(TaskFailedException.Kind.NOT_RUN);
    }
  }

  @Test
  void startupTimeout_slowInit_createFails() {
    Set<Long> before = workerPids();
    Logged log = new Logged();
    assertThatThrownBy(() -> Pool.create(1, PoolOptions.builder().name("slowstart").respawn(false)
        .startupTimeout(Duration.ofMillis(1500)).errorLog(log)
        .init(info -> Thread.sleep(60_000)).build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("startupTimeout");
    log.awaitLine("pool slowstart: worker 0", "did not become ready within startupTimeout");
    await().atMost(WAIT).until(() -> {
      Set<Long> now = new HashSet<>(workerPids());
      now.removeAll(before);
      return now.isEmpty();
    });
  }

  @Test
  void garbageOnFrameStream_workerKilledTaskFailsPoolGoesOn() {
    ConcurrentLinkedQueue<WorkerFailure> deaths = new ConcurrentLinkedQueue<>();
    Logged log = new Logged();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("garbage").onWorkerFailure(deaths::add)
        .errorLog(log).build())) {
      // Results written just before the garbage likely reach the master in the same read as it:
      // they still count, each task once.
      List<CompletableFuture<Integer>> earlier = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        earlier.add(pool.<Integer, Integer>call(x -> x * 10, i));
      }
      CompletableFuture<Integer> corrupt = pool.call(x -> {
        FileOutputStream realStdout = new FileOutputStream(FileDescriptor.out);
        realStdout.write("this is not a frame\n".getBytes());
        realStdout.flush();
        Thread.sleep(10_000);
        return x;
      }, 1);
      TaskFailedException e = failure(corrupt);
      assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.WORKER_DIED);
      assertThat(e.getMessage()).contains("corrupted stream").contains("this is");
      for (int i = 0; i < earlier.size(); i++) {
        assertThat(earlier.get(i)).succeedsWithin(WAIT).isEqualTo(i * 10);
      }
      assertThat(pool.<Integer, Integer>call(x -> x + 1, 1)).succeedsWithin(WAIT).isEqualTo(2);
      await().atMost(WAIT).until(() -> deaths.size() == 1);
      log.awaitLine("pool garbage: worker 0", "corrupted stream");
    }
  }

  @Test
  void jvmWarningInWorker_goesToStderrNotIntoTheFrameStream(@TempDir Path dir) throws Exception {
    // Without huge pages, -XX:+UseLargePages makes the JVM log a warning at start-up, which its
    // default logging writes to stdout: the worker's frame stream.
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("jvmwarn").respawn(false)
        .jvmArgs(List.of("-XX:+UseLargePages")).workerOutput(WorkerOutput.toFiles(dir)).build())) {
      assertThat(pool.<Integer, Integer>call(x -> x + 1, 1)).succeedsWithin(WAIT).isEqualTo(2);
    }
    String log = Files.readString(dir.resolve("jvmwarn-worker-0.log"));
    org.assertj.core.api.Assumptions.assumeThat(log).as("this machine has no huge pages").contains("UseLargePages");
    assertThat(log).contains("[warning][pagesize]");
  }

  @Test
  void maxMessageSize_argumentOrResultTooLarge_failsThatTaskOnly() {
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("small").maxMessageSize(64 * 1024).build())) {
      assertThatThrownBy(() -> pool.call(b -> b.length, new byte[100_000]))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageSize (65536 bytes)");
      TaskFailedException e = failure(pool.<Integer, byte[]>call(n -> new byte[n], 100_000));
      assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE);
      assertThat(e.getMessage()).contains("maxMessageSize");
      assertThat(pool.<Integer, Integer>call(x -> x + 1, 1)).succeedsWithin(WAIT).isEqualTo(2);
    }
  }

  @Test
  void classMissingInWorker_functionOrArgument_failsThatTaskNamingTheClass() {
    // Workers get a classpath without the test classes: the test's lambdas and records are unknown there.
    String classpath = System.getProperty("java.class.path");
    StringBuilder workerClasspath = new StringBuilder();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      if (!entry.contains("test-classes")) {
        workerClasspath.append(entry).append(java.io.File.pathSeparator);
      }
    }
    String jar = System.getProperty("surefire.test.class.path");
    if (jar != null) {
      workerClasspath.setLength(0);
      for (String entry : jar.split(java.io.File.pathSeparator)) {
        if (!entry.contains("test-classes")) {
          workerClasspath.append(entry).append(java.io.File.pathSeparator);
        }
      }
    }
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("missing").classpath(workerClasspath.toString()).build())) {
      TaskFailedException e = failure(pool.<Integer, Integer>call(x -> x + 1, 1));
      assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.TASK_THREW);
      assertThat(e.getMessage()).contains("cannot load the task's function").contains("SupervisionTest");
      AtomicInteger unused = new AtomicInteger();
      assertThat(unused).hasValue(0);
    }
  }
}
