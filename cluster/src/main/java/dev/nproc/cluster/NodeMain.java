package dev.nproc.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The command line of a node, for machines, containers and tests:
 * <pre>
 * java &#64;nproc.args -cp &lt;nproc-cluster and its dependencies&gt; dev.nproc.cluster.NodeMain \
 *      --cluster NAME --port 5701 --join host:port[,host:port...] --workers N \
 *      [--bind 127.0.0.1] [--secret S] [--cache-dir DIR] [--heartbeat-timeout SECONDS]
 *      [--kubernetes-service-dns SERVICE]   (instead of --join, on Kubernetes)
 * </pre>
 * It starts an {@link NprocNode}, prints {@code nproc node ready at HOST:PORT} on standard
 * output, and runs until the JVM is told to stop (SIGTERM, Ctrl-C), when it drains its sessions
 * and leaves the cluster. The secret may also come from the {@code NPROC_SECRET} environment
 * variable, which keeps it out of the process list.
 */
public final class NodeMain {
  private NodeMain() {}

  /**
   * Runs a node until the JVM is stopped.
   *
   * @param args the command line, as above
   * @throws InterruptedException if the main thread is interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    NodeOptions options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("nproc node: " + e.getMessage());
      System.err.println("usage: NodeMain --cluster NAME --port 5701 [--join host:port,...] [--workers N]"
          + " [--bind ADDRESS] [--secret S] [--cache-dir DIR] [--heartbeat-timeout SECONDS]"
          + " [--kubernetes-service-dns SERVICE]");
      System.exit(2);
      return;
    }
    NprocNode node = NprocNode.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } finally {
        stopped.countDown();
      }
    }, "nproc-node-shutdown"));
    System.out.println("nproc node ready at " + node.address() + " with " + node.workers() + " workers");
    System.out.flush();
    stopped.await();
  }

  /**
   * Parses the command line into options.
   *
   * @param args the arguments
   * @return the options
   * @throws IllegalArgumentException naming an unknown or malformed argument
   */
  static NodeOptions parse(String[] args) {
    NodeOptions.Builder b = NodeOptions.builder();
    List<String> list = Arrays.asList(args);
    for (int i = 0; i < list.size(); i++) {
      String flag = list.get(i);
      if (i + 1 >= list.size()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = list.get(++i);
      switch (flag) {
        case "--cluster" -> b.clusterName(value);
        case "--port" -> b.port(number(flag, value));
        case "--join" -> b.join(value.isBlank() ? List.of() : Arrays.asList(value.split(",")));
        case "--workers" -> b.workers(number(flag, value));
        case "--bind" -> b.bindAddress(value);
        case "--secret" -> b.secret(value);
        case "--cache-dir" -> b.cacheDirectory(Path.of(value));
        case "--heartbeat-timeout" -> b.heartbeatTimeout(Duration.ofSeconds(number(flag, value)));
        case "--kubernetes-service-dns" -> b.kubernetesServiceDns(value);
        default -> throw new IllegalArgumentException("unknown argument " + flag);
      }
    }
    return b.build();
  }

  private static int number(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a number, not " + value);
    }
  }
}
