package dev.nproc.benchmarks;

import dev.nproc.cluster.ClusterOptions;
import dev.nproc.cluster.ClusterPool;
import dev.nproc.pool.Pool;
import dev.nproc.stream.IterOptions;
import dev.nproc.stream.IterStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A master for the README's "Across machines": connects to running nodes, renders the demo's
 * Mandelbrot set band by band on them with {@code IterStream}, and says which node JVMs did how
 * many bands.
 *
 * <pre>
 * java &#64;core/src/main/resources/dev/nproc/core/nproc.args -cp benchmarks/target/benchmarks.jar \
 *      dev.nproc.benchmarks.ClusterDemo CLUSTER host:port [host:port...]
 * </pre>
 * The secret comes from the {@code NPROC_SECRET} environment variable, as the nodes'.
 */
public final class ClusterDemo {
  private ClusterDemo() {}

  /** Which node JVM rendered a band, and the band's checksum. */
  record Band(long nodePid, long sum) implements java.io.Serializable {}

  /**
   * Renders on the cluster.
   *
   * @param args the cluster name, then some nodes' addresses
   */
  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: ClusterDemo CLUSTER host:port [host:port...]");
      System.exit(2);
    }
    List<String> addresses = Arrays.asList(args).subList(1, args.length);
    ClusterOptions options = ClusterOptions.builder().clusterName(args[0]).addresses(addresses)
        .poolOptions(Workloads.quietOptions("cluster-demo")).build();
    try (Pool pool = ClusterPool.connect(options)) {
      System.out.println("connected: " + pool.size() + " workers");
      int height = 800;
      Map<Long, Integer> bandsPerNode = new ConcurrentHashMap<>();
      AtomicLong sum = new AtomicLong();
      long start = System.nanoTime();
      IterStream.iterStream(IterOptions.defaults(), pool, (Integer b) -> new Band(
              ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L),
              Workloads.mandelbrotBand(b, height, 4000)),
          r -> r.ifPresent(band -> {
            bandsPerNode.merge(band.nodePid(), 1, Integer::sum);
            sum.addAndGet(band.sum());
          }), IntStream.range(0, Workloads.bands(height)).boxed());
      System.out.printf("rendered %d bands in %d ms (checksum %d); bands per node JVM (pid): %s%n",
          Workloads.bands(height), (System.nanoTime() - start) / 1_000_000, sum.get(), bandsPerNode);
    }
  }
}
