package dev.nproc.benchmarks;

import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.WorkerOutput;
import dev.nproc.stream.IterOptions;
import dev.nproc.stream.IterStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.IntStream;

/**
 * A probe of a pool's start-up, for the profile in {@code benchmarks/README.md}: creates pools of 2
 * workers one after another and prints, for each, how long {@code Pool.create} took, when both
 * workers had answered a task, and (on Linux) the CPU each worker's threads had used by then, read
 * from {@code /proc/<pid>/task/<tid>/stat}: the main thread (class loading, Chronicle, our own
 * start), the C1 and C2 compiler threads, the task thread. Optionally it then times the new pool's
 * first 50,000 trivial tasks or elements at granularity 1.
 *
 * <p>Run from the reactor root after {@code mvn -q -B -DskipTests package}:
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -cp benchmarks/target/benchmarks.jar dev.nproc.benchmarks.StartupProfile [ready|submit|iterate] [pools]}
 * (on JDK 23+ add {@code --sun-misc-unsafe-memory-access=allow} after the argfile). System
 * properties: {@code -Dprofile.jvmArgs="-Xlog:class+load=info:stderr:uptime ..."} gives the workers
 * JVM flags (split at spaces); {@code -Dprofile.output=<folder>} keeps each worker's stderr in a file
 * there (for {@code -Xlog} output); {@code -Dprofile.classpath=...} sets the workers' classpath;
 * {@code -Dprofile.warmSeconds=N} first runs N seconds of tasks on another pool, so that only the new
 * workers are cold; {@code -Dprofile.close=true} closes each pool instead of terminating it (the
 * first pool that closes writes the class-data archive).
 *
 * <p>Not thread-safe; a program, run once.
 */
public final class StartupProfile {
  private static final int COLD_UNITS = 50_000;

  private StartupProfile() {}

  /**
   * Runs the probe.
   *
   * @param args what to time after start-up ({@code ready}, {@code submit} or {@code iterate}) and
   *     how many pools to start one after another
   */
  public static void main(String[] args) {
    String mode = args.length > 0 ? args[0] : "ready";
    int pools = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    double warm = Double.parseDouble(System.getProperty("profile.warmSeconds", "0"));
    if (warm > 0) {
      try (Pool pool = Pool.create(2, options("profile-warm"))) {
        long end = System.nanoTime() + (long) (warm * 1e9);
        while (System.nanoTime() < end) {
          submit(pool, 10_000);
          iterate(pool, 10_000);
        }
      }
    }
    for (int i = 0; i < pools; i++) {
      long t0 = System.nanoTime();
      Pool pool = Pool.create(2, options("profile"));
      long t1 = System.nanoTime();
      Workloads.warm(pool);
      long t2 = System.nanoTime();
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "create %.0f ms, ready %.0f ms",
          (t1 - t0) / 1e6, (t2 - t0) / 1e6));
      ProcessHandle.current().children().forEach(worker -> line.append("\n  ").append(threadCpu(worker.pid())));
      if (mode.equals("submit") || mode.equals("iterate")) {
        long s = System.nanoTime();
        if (mode.equals("submit")) {
          for (int r = 0; r < COLD_UNITS / 10_000; r++) {
            submit(pool, 10_000);
          }
        } else {
          iterate(pool, COLD_UNITS);
        }
        long e = System.nanoTime();
        line.append(String.format(Locale.ROOT, "\n  first %d %s: %.0f/s from Pool.create, %.0f/s from the pool's"
            + " readiness", COLD_UNITS, mode.equals("submit") ? "tasks" : "elements at granularity 1",
            COLD_UNITS / ((e - t0) / 1e9), COLD_UNITS / ((e - s) / 1e9)));
      }
      if (Boolean.getBoolean("profile.close")) {
        pool.close();
      } else {
        pool.terminate();
        pool.whenClosed().join();
      }
      System.out.println(line);
    }
  }

  /**
   * Copies nproc's own classes ({@code dev/nproc/**}) out of the jar that holds them into
   * {@code folder}, and returns a classpath that puts that folder before this JVM's classpath: nproc
   * loaded from a folder, as in an IDE or under {@code mvn exec}.
   *
   * @param folder an empty folder
   * @return the classpath
   * @throws IOException if the classes cannot be copied
   */
  public static String nprocClassesInFolder(Path folder) throws IOException {
    Path jar;
    try {
      jar = Path.of(Pool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
    try (JarFile in = new JarFile(jar.toFile())) {
      for (JarEntry e : (Iterable<JarEntry>) in.stream()::iterator) {
        if (e.getName().startsWith("dev/nproc/") && !e.isDirectory()) {
          Path to = folder.resolve(e.getName());
          Files.createDirectories(to.getParent());
          try (InputStream bytes = in.getInputStream(e)) {
            Files.copy(bytes, to);
          }
        }
      }
    }
    return folder + File.pathSeparator + System.getProperty("java.class.path");
  }

  private static PoolOptions options(String name) {
    PoolOptions.Builder b = PoolOptions.builder().name(name).infoLog(s -> { });
    String jvm = System.getProperty("profile.jvmArgs", "").trim();
    if (!jvm.isEmpty()) {
      b.jvmArgs(Arrays.asList(jvm.split(" +")));
    }
    String output = System.getProperty("profile.output");
    b.workerOutput(output == null ? WorkerOutput.DISCARD : WorkerOutput.toFiles(Path.of(output)));
    String classpath = System.getProperty("profile.classpath");
    if (classpath != null) {
      b.classpath(classpath);
    }
    return b.build();
  }

  /** CPU used so far by each thread of a process, by thread name (digits dropped), from /proc. */
  private static String threadCpu(long pid) {
    Map<String, Long> byName = new TreeMap<>();
    long total = 0;
    long tick = 10; // USER_HZ is 100 on Linux
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9#]+$", "");
        String stat = Files.readString(task.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ms = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * tick;
        if (ms > 0) {
          byName.merge(name, ms, Long::sum);
        }
        total += ms;
      }
    } catch (IOException | RuntimeException e) {
      return "worker " + pid + ": no per-thread CPU (" + e + ")";
    }
    List<String> parts = new ArrayList<>();
    byName.forEach((k, v) -> parts.add(k + " " + v));
    return "worker " + pid + ": threads alive used " + total + " ms of CPU: " + String.join(", ", parts);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void submit(Pool pool, int n) {
    CompletableFuture<Optional<Integer>>[] fs = new CompletableFuture[n];
    for (int i = 0; i < n; i++) {
      fs[i] = pool.submit(Workloads::increment, i);
    }
    for (CompletableFuture<Optional<Integer>> f : fs) {
      f.join().orElseThrow();
    }
  }

  private static void iterate(Pool pool, int n) {
    AtomicLong sum = new AtomicLong();
    IterStream.map(pool, Workloads::increment, IntStream.range(0, n).boxed(), IterOptions.builder().granularity(1).build())
        .forEach(r -> sum.addAndGet(r.orElseThrow()));
  }
}
