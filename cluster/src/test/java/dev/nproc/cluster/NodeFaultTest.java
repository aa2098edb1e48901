package dev.nproc.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.TaskFailedException;
import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nodes and masters that die or stop: real processes, really killed or stopped. */
class NodeFaultTest {
  private static TestCluster cluster;
  private Pool pool;
  private final List<Process> masters = new ArrayList<>();
  /** The pool's error log, kept off the console and checked. */
  private final List<String> errors = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startNodes() {
    cluster = new TestCluster("faults", 2);
  }

  @AfterAll
  static void stopNodes() {
    cluster.close();
  }

  @BeforeEach
  void bothNodesUpAndAPool() {
    for (int i = 0; i < cluster.nodes.length; i++) {
      if (!cluster.nodes[i].isAlive()) {
        cluster.start(i);
      }
    }
    pool = ClusterPool.connect(cluster.options().poolOptions(PoolOptions.builder().errorLog(errors::add).build())
        .build());
    // A node restarted after the previous test killed its predecessor must join the cluster (whose
    // other member may still wait out the heartbeat of the dead one), get the master's classpath
    // and start its worker: 20 s was once too short for all that in a full CI run.
    await().atMost(Duration.ofSeconds(60)).until(() -> pool.size() == 2);
  }

  @AfterEach
  void stopPoolAndMasters() {
    pool.terminate();
    for (Process m : masters) {
      m.destroyForcibly();
    }
    for (Process node : cluster.nodes) {
      signal(node, "CONT");
    }
  }

  private static void signal(Process p, String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Submits 8 slow tasks, waits until the nodes hold them all; returns their futures and end times. */
  private List<CompletableFuture<ShippedTasks.Where>> slowTasks(Map<CompletableFuture<?>, Long> ends) {
    List<CompletableFuture<ShippedTasks.Where>> futures = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      CompletableFuture<ShippedTasks.Where> f = pool.call(new ShippedTasks.WhereAmI(1500), i);
      f.whenComplete((v, e) -> ends.put(f, System.nanoTime()));
      futures.add(f);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().inFlight() == 8);
    return futures;
  }

  private void lostAndRest(List<CompletableFuture<ShippedTasks.Where>> futures, Map<CompletableFuture<?>, Long> ends,
                           long faultAt, Duration within, Process faulty, Process survivor) {
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).exceptionally(e -> null)
        .orTimeout(60, TimeUnit.SECONDS).join();
    int lost = 0;
    for (CompletableFuture<ShippedTasks.Where> f : futures) {
      if (f.isCompletedExceptionally()) {
        Throwable e = f.handle((v, t) -> t).join();
        Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
        assertThat(cause).isInstanceOf(TaskFailedException.class);
        assertThat(((TaskFailedException) cause).kind()).isEqualTo(TaskFailedException.Kind.NODE_LOST);
        assertThat(Duration.ofNanos(ends.get(f) - faultAt)).isLessThan(within);
        lost++;
      } else {
        assertThat(f.join().nodePid()).isIn(faulty.pid(), survivor.pid());
      }
    }
    assertThat(lost).as("tasks lost with the node").isPositive();
    String logged = lost + " task(s) it held fail NODE_LOST";
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(errors)
        .anySatisfy(line -> assertThat(line).contains("is lost").contains(logged)));
    assertThat(pool.call(new ShippedTasks.WhereAmI(0), 1)).succeedsWithin(Duration.ofSeconds(30))
        .extracting(ShippedTasks.Where::nodePid).isEqualTo(survivor.pid());
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.size() == 1);
  }

  @Test
  void call_nodeKilledWithTasksInFlight_itsTasksFailNodeLostWithin5sAndThePoolGoesOn() {
    Map<CompletableFuture<?>, Long> ends = new ConcurrentHashMap<>();
    List<CompletableFuture<ShippedTasks.Where>> futures = slowTasks(ends);
    Process victim = cluster.nodes[0];
    long killedAt = System.nanoTime();
    victim.destroyForcibly();
    lostAndRest(futures, ends, killedAt, Duration.ofSeconds(5), victim, cluster.nodes[1]);
  }

  @Test
  void call_nodeStoppedWithTasksInFlight_itsTasksFailNodeLostWithinHeartbeatPlus2s() {
    Map<CompletableFuture<?>, Long> ends = new ConcurrentHashMap<>();
    List<CompletableFuture<ShippedTasks.Where>> futures = slowTasks(ends);
    Process victim = cluster.nodes[1];
    long stoppedAt = System.nanoTime();
    signal(victim, "STOP");
    try {
      lostAndRest(futures, ends, stoppedAt, TestCluster.HEARTBEAT.plusSeconds(2), victim, cluster.nodes[0]);
    } finally {
      victim.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      victim.destroyForcibly();
      signal(victim, "CONT");
    }
  }

  @Test
  void nodeTerminated_tasksItHoldsFinishThenItLeavesThePool() {
    List<CompletableFuture<ShippedTasks.Where>> futures = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      futures.add(pool.call(new ShippedTasks.WhereAmI(1000), i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().inFlight() == 4);
    Process leaving = cluster.nodes[0];
    leaving.destroy(); // SIGTERM: NodeMain's shutdown hook drains its sessions, then leaves
    for (CompletableFuture<ShippedTasks.Where> f : futures) {
      assertThat(f).succeedsWithin(Duration.ofSeconds(30));
    }
    assertThat(leaving.onExit()).succeedsWithin(Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.size() == 1);
    assertThat(pool.call(new ShippedTasks.WhereAmI(0), 1)).succeedsWithin(Duration.ofSeconds(30))
        .extracting(ShippedTasks.Where::nodePid).isEqualTo(cluster.nodes[1].pid());
  }

  @Test
  void masterKilled_itsWorkersOnTheNodesGoWithinHeartbeatPlus2s_anotherMastersPoolGoesOn() throws IOException {
    assertThat(pool.call(new ShippedTasks.WhereAmI(0), 1)).succeedsWithin(Duration.ofSeconds(30));
    Set<Long> before = new HashSet<>();
    for (Process node : cluster.nodes) {
      before.addAll(TestCluster.children(node));
    }
    List<String> cmd = TestCluster.javaCommand(System.getProperty("java.class.path"), MasterMain.class.getName());
    cmd.addAll(List.of(cluster.clusterName, TestCluster.SECRET, Long.toString(TestCluster.HEARTBEAT.toSeconds())));
    cmd.addAll(cluster.addresses());
    Process master = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    masters.add(master);
    BufferedReader out = new BufferedReader(new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> submitted = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.startsWith("submitted")) {
            return line;
          }
        }
        return "ended";
      } catch (IOException e) {
        return e.toString();
      }
    });
    assertThat(submitted).succeedsWithin(Duration.ofSeconds(60)).isEqualTo("submitted 2");
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Set<Long> now = new HashSet<>();
      for (Process node : cluster.nodes) {
        now.addAll(TestCluster.children(node));
      }
      return now.size() == before.size() + 2;
    });
    long killedAt = System.nanoTime();
    master.destroyForcibly();
    await().atMost(TestCluster.HEARTBEAT.plusSeconds(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
      Set<Long> now = new HashSet<>();
      for (Process node : cluster.nodes) {
        now.addAll(TestCluster.children(node));
      }
      return now.equals(before);
    });
    System.out.println("the killed master's workers were gone after "
        + Duration.ofNanos(System.nanoTime() - killedAt).toMillis() + " ms");
    assertThat(pool.call(new ShippedTasks.WhereAmI(0), 2)).succeedsWithin(Duration.ofSeconds(30))
        .extracting(ShippedTasks.Where::value).isEqualTo(4);
  }
}
