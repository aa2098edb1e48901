package dev.nproc.cluster;

import dev.nproc.core.internal.JvmFlags;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real node JVMs for a test class: {@code NodeMain} started with {@link ProcessBuilder} on
 * 127.0.0.1, with a unique cluster name and free ports, one worker each, and a classpath made of
 * this JVM's minus the test classes (so the test classes reach the workers only by classpath
 * shipping). {@link #close} kills every process it started, and their children.
 */
final class TestCluster implements AutoCloseable {
  static final Duration HEARTBEAT = Duration.ofSeconds(3);
  static final String SECRET = "test-secret";
  /** What Hazelcast asks for on top of nproc's flags (else it warns at start). */
  static final List<String> HAZELCAST_FLAGS = List.of("--add-modules", "java.se",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.management/sun.management=ALL-UNNAMED",
      "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED");

  final String clusterName;
  final List<Integer> ports = new ArrayList<>();
  final Process[] nodes;
  private final Path cacheDirectory;
  private final List<Process> started = new ArrayList<>();

  TestCluster(String testClass, int count) {
    this.clusterName = "nproc-test-" + testClass + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    this.nodes = new Process[count];
    try {
      this.cacheDirectory = Files.createTempDirectory("nproc-node-cache-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 0; i < count; i++) {
      ports.add(freePort());
    }
    // One after the other: each joins the cluster the first one formed (started together, they
    // could each form one, and Hazelcast merges split clusters only minutes later).
    for (int i = 0; i < count; i++) {
      start(i);
    }
  }

  private static int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new IllegalStateException("no free port found");
  }

  List<String> addresses() {
    return ports.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  ClusterOptions.Builder options() {
    return ClusterOptions.builder().clusterName(clusterName).addresses(addresses()).secret(SECRET)
        .heartbeatTimeout(HEARTBEAT).connectTimeout(Duration.ofSeconds(20));
  }

  /** The classpath of a node: this JVM's, without test classes. */
  static String nodeClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.endsWith("test-classes") && !e.endsWith("test-classes" + File.separator))
        .collect(Collectors.joining(File.pathSeparator));
  }

  static List<String> javaCommand(String classpath, String mainClass) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JvmFlags.flagsFor(Runtime.version().feature()));
    cmd.addAll(HAZELCAST_FLAGS);
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-Dorg.slf4j.simpleLogger.log.com.hazelcast=error");
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    return cmd;
  }

  /** Starts node {@code index} (again, after it was killed) and waits for its ready line. */
  Process start(int index) {
    List<String> cmd = javaCommand(nodeClasspath(), NodeMain.class.getName());
    cmd.addAll(List.of("--cluster", clusterName, "--port", Integer.toString(ports.get(index)),
        "--join", String.join(",", addresses()), "--workers", "1", "--bind", "127.0.0.1", "--secret", SECRET,
        "--cache-dir", cacheDirectory.toString(), "--heartbeat-timeout", Long.toString(HEARTBEAT.toSeconds())));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    synchronized (started) {
      started.add(p);
    }
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.startsWith("nproc node ready")) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        // the node is gone
      }
      ready.completeExceptionally(new IllegalStateException("node " + index + " ended before it was ready"));
    }, "node-" + index + "-stdout");
    reader.setDaemon(true);
    reader.start();
    ready.orTimeout(60, TimeUnit.SECONDS).join();
    nodes[index] = p;
    return p;
  }

  /** The pids of a node's child processes: its workers. */
  static Set<Long> children(Process node) {
    return node.toHandle().children().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  @Override
  public void close() {
    List<Process> all;
    synchronized (started) {
      all = new ArrayList<>(started);
    }
    for (Process p : all) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (java.util.stream.Stream<Path> files = Files.walk(cacheDirectory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory
    }
  }
}
