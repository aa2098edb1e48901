package dev.nproc.pool;

import static dev.nproc.pool.testing.Workers.workerPids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.ServiceException;
import dev.nproc.pool.testing.Logged;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Full mode: environments shared by a worker's tasks, and requests from tasks to the master. */
class FullPoolTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** An environment that counts, in each JVM, how often it was deserialized. */
  static final class CountingEnv implements Serializable {
    static final AtomicInteger DESERIALIZED = new AtomicInteger();
    final Map<String, Integer> table;

    CountingEnv(Map<String, Integer> table) {
      this.table = table;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      DESERIALIZED.incrementAndGet();
    }
  }

  /** Not serializable: no {@code Serializable}. */
  static final class Opaque {
    final int value = 1;
  }

  private static final Map<String, Integer> SERVED = new ConcurrentHashMap<>();
  private static volatile Function<String, CompletionStage<Integer>> behaviour;
  private static FullPool<String, Integer, CountingEnv> pool;
  private static final Logged LOG = new Logged();

  @BeforeAll
  static void startPool() {
    behaviour = q -> CompletableFuture.supplyAsync(() -> q.length());
    pool = FullPool.create(2, q -> {
      SERVED.merge(q, 1, Integer::sum);
      return behaviour.apply(q);
    }, new CountingEnv(new HashMap<>(Map.of("a", 1, "b", 2))), PoolOptions.builder().name("full").errorLog(LOG).build());
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  @Test
  void env_manyTasks_deserializedOncePerWorkerAndSameInstance() {
    Map<Long, Set<String>> identitiesByPid = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      String seen = pool.<Integer, String>call((serv, env, x) -> ProcessHandle.current().pid() + " "
          + System.identityHashCode(env) + " " + CountingEnv.DESERIALIZED.get() + " " + env.table.get("b"), i).join();
      String[] parts = seen.split(" ");
      assertThat(parts[2]).as("deserializations in this worker").isEqualTo("1");
      assertThat(parts[3]).isEqualTo("2");
      identitiesByPid.computeIfAbsent(Long.parseLong(parts[0]), k -> new HashSet<>()).add(parts[1]);
    }
    assertThat(identitiesByPid).isNotEmpty().allSatisfy((pid, ids) -> assertThat(ids).hasSize(1));
  }

  @Test
  void serv_answersAsynchronously_taskGetsTheAnswer() {
    assertThat(pool.<String, Integer>call((serv, env, s) -> serv.request(s) * 10, "four")).succeedsWithin(WAIT)
        .isEqualTo(40);
  }

  @Test
  void serv_twoRequestsInOneTask_bothAnswered() {
    assertThat(pool.<String, String>call((serv, env, s) -> serv.request(s) + "/" + serv.request(s + s), "abc"))
        .succeedsWithin(WAIT).isEqualTo("3/6");
  }

  @Test
  void serv_requestsFromAllWorkersAtOnce_servedConcurrently() throws Exception {
    // The service function answers nobody until it holds one request from each worker: it can
    // only finish if the pool runs it for both requests at once, on two of its threads. (It
    // blocks in the function itself, not in an executor of its own, which JDKs size differently.)
    CountDownLatch bothIn = new CountDownLatch(2);
    behaviour = q -> {
      bothIn.countDown();
      try {
        return CompletableFuture.completedFuture(bothIn.await(20, TimeUnit.SECONDS) ? 1 : -1);
      } catch (InterruptedException e) {
        return CompletableFuture.completedFuture(-2);
      }
    };
    try {
      List<CompletableFuture<Long>> tasks = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        tasks.add(pool.<String, Long>call((serv, env, s) -> serv.request(s) == 1 ? ProcessHandle.current().pid() : -1L,
            "together" + i));
      }
      Set<Long> pids = new HashSet<>();
      for (CompletableFuture<Long> t : tasks) {
        pids.add(t.get(30, TimeUnit.SECONDS));
      }
      assertThat(pids).hasSize(2).doesNotContain(-1L);
    } finally {
      behaviour = q -> CompletableFuture.supplyAsync(() -> q.length());
    }
  }

  @Test
  void serv_fails_requestThrowsInWorkerAndPoolGoesOn() {
    behaviour = q -> CompletableFuture.failedFuture(new IllegalStateException("no answer for " + q));
    try {
      assertThat(pool.<String, String>call((serv, env, s) -> {
        try {
          serv.request(s);
          return "answered";
        } catch (ServiceException e) {
          return "caught: " + e.getMessage();
        }
      }, "q1")).succeedsWithin(WAIT).asString()
          .contains("caught:").contains("IllegalStateException").contains("no answer for q1");
      assertThat(pool.<String, Integer>submit((serv, env, s) -> serv.request(s), "q2")).succeedsWithin(WAIT)
          .isEqualTo(Optional.empty());
      LOG.awaitLine("ServiceException", "no answer for q2");
    } finally {
      behaviour = q -> CompletableFuture.supplyAsync(() -> q.length());
    }
    assertThat(pool.<String, Integer>call((serv, env, s) -> serv.request(s), "fine")).succeedsWithin(WAIT).isEqualTo(4);
  }

  @Test
  void serv_requestNotSerializable_failsThatRequestNotTheWorker() {
    assertThat(pool.<String, String>call((serv, env, s) -> {
      Long pid = ProcessHandle.current().pid();
      try {
        ((dev.nproc.core.Service) serv).request(new Opaque());
        return "sent";
      } catch (ServiceException e) {
        return pid + " " + e.getMessage();
      }
    }, "x")).succeedsWithin(WAIT).asString().contains("cannot serialize the request").contains(Opaque.class.getName());
  }

  @Test
  void serv_slow_otherWorkersResultsNotDelayed() throws Exception {
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    behaviour = q -> q.equals("slow") ? gate : CompletableFuture.completedFuture(q.length());
    try {
      CompletableFuture<Integer> slow = pool.call((serv, env, s) -> serv.request(s), "slow");
      await().atMost(WAIT).until(() -> SERVED.containsKey("slow"));
      for (int i = 0; i < 20; i++) {
        assertThat(pool.<Integer, Integer>call((serv, env, x) -> x + env.table.get("a"), i)).succeedsWithin(WAIT)
            .isEqualTo(i + 1);
      }
      assertThat(slow).isNotDone();
      gate.complete(99);
      assertThat(slow).succeedsWithin(WAIT).isEqualTo(99);
    } finally {
      behaviour = q -> CompletableFuture.supplyAsync(() -> q.length());
    }
  }

  @Test
  void env_workerRespawnedAfterSigkill_getsTheEnvAgain(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Set<Long> before = workerPids();
    try (FullPool<String, String, Map<String, String>> one = FullPool.create(1,
        q -> CompletableFuture.completedFuture(q), new HashMap<>(Map.of("k", "v")),
        PoolOptions.builder().name("respawn-env").errorLog(LOG).build())) {
      Set<Long> mine = new HashSet<>(workerPids());
      mine.removeAll(before);
      assertThat(mine).hasSize(1);
      long first = mine.iterator().next();
      String marker = dir.resolve("running").toString();
      CompletableFuture<String> dying = one.call((serv, env, x) -> {
        Files.writeString(Path.of(marker), "yes");
        Thread.sleep(60_000);
        return x;
      }, "never");
      await().atMost(WAIT).until(() -> Files.exists(dir.resolve("running")));
      ProcessHandle.of(first).orElseThrow().destroyForcibly();
      assertThat(dying).failsWithin(WAIT);
      String after = one.<String, String>call((serv, env, x) -> ProcessHandle.current().pid() + " " + env.get(x), "k")
          .get(30, TimeUnit.SECONDS);
      assertThat(after).endsWith(" v").doesNotStartWith(first + " ");
      LOG.awaitLine("pool respawn-env: worker 0", "killed by SIGKILL");
    }
  }

  @Test
  void serv_workerDiesWhileItsRequestIsInFlight_taskFailsAndLateAnswerIsHarmless() throws Exception {
    CompletableFuture<String> gate = new CompletableFuture<>();
    Map<String, Boolean> asked = new ConcurrentHashMap<>();
    java.util.concurrent.ConcurrentLinkedQueue<WorkerFailure> deaths = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Set<Long> before = workerPids();
    try (FullPool<String, String, String> one = FullPool.create(1, q -> {
      asked.put(q, true);
      return gate;
    }, "env", PoolOptions.builder().name("serv-death").onWorkerFailure(deaths::add).errorLog(LOG).build())) {
      Set<Long> mine = new HashSet<>(workerPids());
      mine.removeAll(before);
      assertThat(mine).hasSize(1);
      CompletableFuture<String> waiting = one.call((serv, env, x) -> {
        System.err.println("asking the master for " + x);
        return serv.request(x);
      }, "answer");
      await().atMost(WAIT).until(() -> asked.containsKey("answer")); // the task is blocked in request()
      ProcessHandle.of(mine.iterator().next()).orElseThrow().destroyForcibly();
      assertThat(waiting).failsWithin(WAIT);
      gate.complete("too late"); // the answer goes to a dead worker: nothing happens
      assertThat(one.<String, String>call((serv, env, x) -> env + x, "!")).succeedsWithin(WAIT).isEqualTo("env!");
      await().atMost(WAIT).until(() -> !deaths.isEmpty());
      assertThat(deaths).hasSize(1);
      assertThat(deaths.peek().lastStderr()).anySatisfy(l -> assertThat(l).contains("asking the master for answer"));
      LOG.awaitLine("pool serv-death: worker 0", "killed by SIGKILL");
    }
  }

  @Test
  void env_200MB_sentOncePerWorkerNotPerTask() throws Exception {
    Path io = Path.of("/proc/self/io");
    assumeThat(Files.isReadable(io)).as("/proc/self/io counts the bytes this JVM writes").isTrue();
    byte[] big = new byte[200 << 20];
    big[123] = 7;
    try (FullPool<String, String, byte[]> heavy = FullPool.create(2, q -> CompletableFuture.completedFuture(q), big,
        PoolOptions.builder().name("bigenv").jvmArgs(List.of("-Xmx1g")).build())) {
      long before = writtenBytes(io);
      for (int i = 0; i < 20; i++) {
        assertThat(heavy.<Integer, Integer>call((serv, env, x) -> env.length + env[123] + x, i).get(60, TimeUnit.SECONDS))
            .isEqualTo((200 << 20) + 7 + i);
      }
      long written = writtenBytes(io) - before;
      assertThat(written).as("bytes written by the master for 20 tasks").isLessThan(20L << 20);
    }
  }

  private static long writtenBytes(Path io) throws IOException {
    for (String line : Files.readAllLines(io)) {
      if (line.startsWith("wchar:")) {
        return Long.parseLong(line.substring(6).trim());
      }
    }
    throw new IllegalStateException("no wchar in " + io);
  }

  @Test
  void create_envNotSerializable_failsNamingTheClass() {
    assertThatThrownBy(() -> FullPool.create(1, q -> CompletableFuture.completedFuture(q), new Opaque()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("environment")
        .hasMessageContaining(Opaque.class.getName());
  }
}
