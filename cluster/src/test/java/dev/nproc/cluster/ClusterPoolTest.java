package dev.nproc.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.core.FullFunction;
import dev.nproc.core.TaskFailedException;
import dev.nproc.pool.FullPool;
import dev.nproc.pool.Pool;
import dev.nproc.stream.IterOptions;
import dev.nproc.stream.IterStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import static org.awaitility.Awaitility.await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClusterPoolTest {
  private static TestCluster cluster;
  private static Pool pool;

  @BeforeAll
  static void startNodes() {
    cluster = new TestCluster("pool", 2);
    pool = ClusterPool.connect(cluster.options().build());
  }

  @AfterAll
  static void stopNodes() {
    try {
      if (pool != null) {
        pool.terminate();
      }
    } finally {
      cluster.close();
    }
  }

  /** Not serializable. */
  static final class Opaque {
    int x = 1;
  }

  @Test
  void size_twoNodesOfOneWorker_isTwo() {
    assertThat(pool.size()).isEqualTo(2);
  }

  @Test
  void submit_classOnlyOnTheMaster_runsOnWorkersOfBothNodes() {
    List<CompletableFuture<Optional<ShippedTasks.Where>>> futures = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      futures.add(pool.submit(new ShippedTasks.WhereAmI(20), i));
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
    List<ShippedTasks.Where> results = futures.stream().map(f -> f.join().orElseThrow()).toList();
    assertThat(results).extracting(ShippedTasks.Where::value)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 40).map(i -> 2 * i).boxed().toList());
    Set<Long> nodePids = results.stream().map(ShippedTasks.Where::nodePid).collect(Collectors.toSet());
    assertThat(nodePids).containsExactlyInAnyOrder(cluster.nodes[0].pid(), cluster.nodes[1].pid());
  }

  @Test
  void call_functionThrows_failsWithTheRemoteException() {
    CompletableFuture<String> f = pool.call(new ShippedTasks.Fails(), "x");
    assertThat(f).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(TaskFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(TaskFailedException.Kind.TASK_THREW);
          assertThat(e.remoteClassName()).isEqualTo(IllegalStateException.class.getName());
          assertThat(e.remoteMessage()).isEqualTo("boom: x");
        });
  }

  @Test
  void iterStream_overTheCluster_ordered10000Elements_completeAndInOrder() {
    List<Integer> out = new ArrayList<>();
    IterStream.iterStream(IterOptions.builder().granularity(10).ordered(true).build(), pool, (Integer x) -> x * 3,
        r -> out.add(r.orElseThrow()), IntStream.range(0, 10_000).boxed());
    assertThat(out).containsExactlyElementsOf(IntStream.range(0, 10_000).map(x -> 3 * x).boxed().toList());
    assertThat(pool.whenClosed()).isNotDone();
  }

  @Test
  void connectFull_envOnceToEachWorker_serviceRequestsAnswered() {
    CountedEnv.ENCODED.set(0);
    FullPool<Integer, Integer, CountedEnv> full = ClusterPool.connectFull(cluster.options().build(),
        (Integer q) -> CompletableFuture.completedFuture(q * 10), new CountedEnv(5));
    try {
      assertThat(full.size()).isEqualTo(2);
      FullFunction<Integer, Integer, CountedEnv, Integer, CountedEnv.Seen> f = (serv, env, a) -> {
        Thread.sleep(20);
        ProcessHandle self = ProcessHandle.current();
        return new CountedEnv.Seen(self.pid(), self.parent().map(ProcessHandle::pid).orElse(-1L),
            CountedEnv.DECODED.get(), serv.request(a) + env.offset);
      };
      List<CompletableFuture<CountedEnv.Seen>> futures = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        futures.add(full.call(f, i));
      }
      List<CountedEnv.Seen> seen = futures.stream().map(CompletableFuture::join).toList();
      assertThat(seen).extracting(CountedEnv.Seen::answer)
          .containsExactlyElementsOf(IntStream.range(0, 30).map(i -> i * 10 + 5).boxed().toList());
      assertThat(seen).extracting(CountedEnv.Seen::decodedInWorker).containsOnly(1);
      assertThat(seen.stream().map(CountedEnv.Seen::nodePid).collect(Collectors.toSet()))
          .containsExactlyInAnyOrder(cluster.nodes[0].pid(), cluster.nodes[1].pid());
      assertThat(CountedEnv.ENCODED.get()).as("encodings of env in the master").isEqualTo(1);
    } finally {
      full.close();
    }
  }

  @Test
  void connect_wrongSecret_failsNamingTheMismatch() {
    ClusterOptions wrong = ClusterOptions.builder().clusterName(cluster.clusterName).addresses(cluster.addresses())
        .secret("not-the-secret").connectTimeout(Duration.ofSeconds(20)).build();
    assertThatThrownBy(() -> ClusterPool.connect(wrong)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("secret mismatch");
  }

  @Test
  void connect_wrongClusterName_failsWithinConnectTimeoutNamingIt() {
    ClusterOptions wrong = ClusterOptions.builder().clusterName("no-such-cluster").addresses(cluster.addresses())
        .secret(TestCluster.SECRET).connectTimeout(Duration.ofSeconds(3)).build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> ClusterPool.connect(wrong)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no-such-cluster");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void cancel_runningTasksOnBothNodes_stopThemAndTheWorkersTakeTheNextTasks() {
    long cancelledBefore = pool.stats().cancelled();
    List<CompletableFuture<ShippedTasks.Where>> slow = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      slow.add(pool.call(new ShippedTasks.WhereAmI(600_000), i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().inFlight() == 2);
    slow.forEach(f -> assertThat(f.cancel(true)).isTrue());
    List<CompletableFuture<ShippedTasks.Where>> next = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      next.add(pool.call(new ShippedTasks.WhereAmI(0), i));
    }
    for (CompletableFuture<ShippedTasks.Where> f : next) {
      assertThat(f).succeedsWithin(Duration.ofSeconds(20));
    }
    assertThat(pool.stats().cancelled() - cancelledBefore).isEqualTo(2);
  }

  @Test
  void readmeExample_runsAgainstTheNodes() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.out;
    System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      readmeExample(cluster.clusterName, cluster.addresses(), TestCluster.SECRET);
    } finally {
      System.setOut(saved);
    }
    List<String> lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).isEqualTo("49");
    assertThat(lines.subList(1, 4)).containsExactlyInAnyOrder("2", "3", "4");
  }

  /** The README's example, as it is there. */
  private static void readmeExample(String name, List<String> nodes, String secret) {
ClusterOptions options = ClusterOptions.builder()
    .clusterName(name).addresses(nodes).secret(secret)  // "demo", List.of("10.0.0.5:5701", ...), $NPROC_SECRET
    .build();
try (Pool pool = ClusterPool.connect(options)) {         // or ClusterPool.connectFull(options, serv, env)
  System.out.println(pool.call((Integer x) -> x * x, 7).join());              // 49, from a worker on some node
  IterStream.iterStream(IterOptions.defaults(), pool, (Integer x) -> x + 1,  // IterStream takes any Pool
      r -> System.out.println(r.orElseThrow()), Stream.of(1, 2, 3));
}
  }

  @Test
  void call_lambda_returnsItsValue() {
    assertThat(pool.call((Integer x) -> x + 1, 41)).succeedsWithin(Duration.ofSeconds(30)).isEqualTo(42);
  }

  @Test
  void submit_unserializableCapture_failsAtOnceNamingTheClass() {
    Opaque notSerializable = new Opaque();
    assertThatThrownBy(() -> pool.submit((Integer x) -> notSerializable.x + x, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Opaque.class.getName());
  }
}
