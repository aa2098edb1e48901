package dev.nproc.benchmarks;

import dev.nproc.cluster.ClusterOptions;
import dev.nproc.cluster.ClusterPool;
import dev.nproc.cluster.NodeMain;
import dev.nproc.core.internal.JvmFlags;
import dev.nproc.pool.Pool;
import dev.nproc.stream.IterOptions;
import dev.nproc.stream.IterStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The cost of going through the cluster: the same iteration of a trivial function
 * ({@link Workloads#increment}) on a local pool of 2 workers and on a cluster pool of 2 nodes of
 * 1 worker each, on loopback, at granularity 1 and 100, side by side in one run. It starts the
 * two nodes itself, as child JVMs ({@link NodeMain}) on 127.0.0.1, and kills them at the end.
 *
 * <pre>
 * mvn -q -B -DskipTests package
 * java &#64;core/src/main/resources/dev/nproc/core/nproc.args -cp benchmarks/target/benchmarks.jar \
 *      dev.nproc.benchmarks.ClusterCompare
 * </pre>
 * {@code -Dnproc.compare.tasksPerWorker=N} sets the cluster pool's {@code tasksPerWorker} (default 16).
 */
public final class ClusterCompare {
  private static final String SECRET = "compare";

  private ClusterCompare() {}

  /**
   * Runs the comparison and prints a table.
   *
   * @param args none
   * @throws Exception if a node cannot start
   */
  public static void main(String[] args) throws Exception {
    String cluster = "nproc-compare-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    List<String> addresses = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
    List<Process> nodes = new ArrayList<>();
    try {
      for (String address : addresses) {
        nodes.add(startNode(cluster, address, addresses));
      }
      ClusterOptions options = ClusterOptions.builder().clusterName(cluster).addresses(addresses).secret(SECRET)
          .poolOptions(Workloads.quietOptions("compare-cluster"))
          .tasksPerWorker(Integer.getInteger("nproc.compare.tasksPerWorker", 16)).build();
      try (Pool local = Workloads.readyPool(2, "compare-local"); Pool remote = ClusterPool.connect(options)) {
        Workloads.warm(remote);
        System.out.println("| workload | local pool of 2 | 2 nodes x 1 worker, loopback | cluster / local |");
        System.out.println("|---|---|---|---|");
        for (int granularity : new int[] {1, 100}) {
          int n = granularity == 1 ? 20_000 : 1_000_000;
          double l = best(local, n, granularity);
          double c = best(remote, n, granularity);
          System.out.printf(Locale.ROOT, "| iterate, granularity %d | %,.0f elem/s | %,.0f elem/s | %.2fx |%n",
              granularity, l, c, c / l);
        }
      }
    } finally {
      for (Process p : nodes) {
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }

  /** The best of three timed rounds, after one to warm up: elements per second. */
  private static double best(Pool pool, int n, int granularity) {
    round(pool, n / 4, granularity);
    double best = 0;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      round(pool, n, granularity);
      best = Math.max(best, n / ((System.nanoTime() - start) / 1e9));
    }
    return best;
  }

  private static void round(Pool pool, int n, int granularity) {
    AtomicLong sum = new AtomicLong();
    IterStream.iterStream(IterOptions.builder().granularity(granularity).build(), pool, Workloads::increment,
        r -> sum.addAndGet(r.orElseThrow()), IntStream.range(0, n).boxed());
  }

  private static Process startNode(String cluster, String address, List<String> all) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JvmFlags.flagsFor(Runtime.version().feature()));
    cmd.addAll(List.of("--add-modules", "java.se", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.management/sun.management=ALL-UNNAMED",
        "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.com.hazelcast=error"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NodeMain.class.getName(),
        "--cluster", cluster, "--port", address.substring(address.indexOf(':') + 1),
        "--join", String.join(",", all.subList(0, all.indexOf(address) + 1)), "--workers", "1", "--secret", SECRET));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("nproc node ready")) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // keep the pipe empty
            }
          } catch (IOException e) {
            // the node is gone
          }
        }, "node-stdout");
        drain.setDaemon(true);
        drain.start();
        return p;
      }
    }
    throw new IllegalStateException("the node at " + address + " ended before it was ready");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
