package dev.nproc.benchmarks;

import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import dev.nproc.stream.IterOptions;
import dev.nproc.stream.IterStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The comparison harness: the same workloads, in one run, on nproc (a pool of 2 worker JVMs), on
 * an in-process {@code ForkJoinPool(2)} (no serialization, no pipes: the ceiling), and on Python's
 * {@code multiprocessing.Pool(2)} (the script {@code benchmarks/python/compare.py}, run as a
 * subprocess when {@code python3} is on the PATH). Prints one table with each workload's target.
 * The cold rows, measured first, time a new pool created inside the interval and its first 50,000
 * tasks or elements, against half of the warm rows of the same run; the ready row is also set
 * against Python's {@code spawn} start method, a new interpreter per worker as a JVM worker is.
 *
 * <p>Run from the reactor root after {@code mvn -q -B -DskipTests package}:
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -cp benchmarks/target/benchmarks.jar dev.nproc.benchmarks.Compare}
 * (on JDK 23+ add {@code --sun-misc-unsafe-memory-access=allow} after the argfile). Options:
 * {@code --quick} (shorter measurements), {@code --no-python}, {@code --python=/path/to/python3}.
 *
 * <p>Not thread-safe; a program, run once.
 */
public final class Compare {
  private static final int MIB = 1 << 20;
  private static final long PYTHON_TIMEOUT_SECONDS = 150;

  /** Measurement time per workload and backend, in seconds. */
  private final double seconds;
  /**
   * Warm-up time before each throughput measurement, in seconds. The JIT needs 3-4 s of
   * submits before the master and the workers reach steady state (measured: 8k tasks/s in the
   * first 10,000, 55-80k after 4 s).
   */
  private final double warmupSeconds;
  private final boolean quick;

  private Compare(boolean quick) {
    this.quick = quick;
    this.seconds = quick ? 0.5 : 1.5;
    this.warmupSeconds = quick ? 1.0 : 3.0;
  }

  /** One line of the table. Values are {@code null} when not measured. */
  private static final class Row {
    final String key;
    final String label;
    final String unit;
    final boolean higherIsBetter;
    final double minimum;        // the target on nproc's own number (NaN: none)
    final double minimumVsPython; // the target on nproc's advantage over Python (NaN: none)
    Double nproc;
    Double fjp;
    Double python;
    String note = "";
    /** For a cold row: the warm row it is compared with, and the fraction of it that is the target. */
    Row warm;
    double fractionOfWarm = Double.NaN;
    /** For a time row: the target as a multiple of Python's figure (NaN: none). */
    double maximumTimesPython = Double.NaN;

    Row(String key, String label, String unit, boolean higherIsBetter, double minimum, double minimumVsPython) {
      this.key = key;
      this.label = label;
      this.unit = unit;
      this.higherIsBetter = higherIsBetter;
      this.minimum = minimum;
      this.minimumVsPython = minimumVsPython;
    }

    /** How many times better nproc is than Python, whichever way "better" goes. */
    Double vsPython() {
      if (nproc == null || python == null || nproc <= 0 || python <= 0) {
        return null;
      }
      return higherIsBetter ? nproc / python : python / nproc;
    }
  }

  /**
   * Runs the comparison.
   *
   * @param args {@code --quick}, {@code --no-python}, {@code --python=PATH}
   * @throws Exception if a measurement fails
   */
  public static void main(String[] args) throws Exception {
    List<String> opts = Arrays.asList(args);
    boolean quick = opts.contains("--quick");
    boolean noPython = opts.contains("--no-python");
    String python = opts.stream().filter(a -> a.startsWith("--python=")).map(a -> a.substring(9)).findFirst()
        .orElse("python3");
    new Compare(quick).run(noPython ? null : python);
  }

  private void run(String python) throws Exception {
    long started = System.nanoTime();
    List<Row> rows = List.of(
        new Row("submit", "submit trivial tasks one by one", "tasks/s", true, 150_000, 4),
        new Row("iterate-1", "iterate, granularity 1", "elem/s", true, 150_000, 2.5),
        new Row("iterate-100", "iterate, granularity 100", "elem/s", true, 5_000_000, 1.5),
        new Row("payload", "1 MiB arguments", "MiB/s", true, 1536, 2),
        new Row("iterate-1mib", "iterate, 1 MiB elements", "MiB/s", true, 1536, 2),
        new Row("round-trip", "sequential round trip, median", "us", false, 80, Double.NaN),
        new Row("ready", "pool of 2 ready", "ms", false, 150, Double.NaN),
        new Row("ready-spawn", "pool of 2 ready, vs Py spawn", "ms", false, Double.NaN, Double.NaN),
        new Row("ready-folder", "ready, folder cp, vs Py spawn", "ms", false, Double.NaN, Double.NaN),
        new Row("submit-cold", "submit, new pool, first 50k", "tasks/s", true, Double.NaN, Double.NaN),
        new Row("iterate-1-cold", "iterate g1, new pool, first 50k", "elem/s", true, Double.NaN, Double.NaN),
        new Row("cpu-speedup", "CPU-bound speedup, 2 workers", "x", true, 1.9, Double.NaN));
    Map<String, Row> byKey = new HashMap<>();
    rows.forEach(r -> byKey.put(r.key, r));

    coldRows(byKey);

    String pythonVersion = "not run";
    progress("nproc: starting a pool of 2 workers");
    try (Pool pool = Workloads.readyPool(2, "compare")) {
      progress("nproc: submit");
      byKey.get("submit").nproc = throughput(() -> submitRound(pool, 10_000));
      progress("nproc: iterate, granularity 1");
      byKey.get("iterate-1").nproc = throughput(() -> iterateRound(pool, 20_000, 1));
      progress("nproc: iterate, granularity 100");
      byKey.get("iterate-100").nproc = throughput(() -> iterateRound(pool, 1_000_000, 100));
      progress("nproc: 1 MiB arguments");
      byte[] payload = new byte[MIB];
      Arrays.fill(payload, (byte) 7);
      byKey.get("payload").nproc = throughput(() -> payloadRound(pool, payload, 16));
      progress("nproc: iterate, 1 MiB elements");
      byKey.get("iterate-1mib").nproc = throughput(() -> iterateMibRound(pool, payload, 64));
      progress("nproc: round trip");
      byKey.get("round-trip").nproc = medianMicros(() -> pool.call(Workloads::increment, 1).join());
      progress("nproc: CPU-bound speedup");
      Row cpu = byKey.get("cpu-speedup");
      double serialSeconds = serialMandelbrotSeconds();
      double nprocSeconds = best(2, () -> timeSeconds(() -> mandelbrotOnPool(pool)));
      cpu.nproc = serialSeconds / nprocSeconds;
      cpu.note = String.format(Locale.ROOT, "nproc: serial %.2f s, 2 workers %.2f s (best of 2 each)",
          serialSeconds, nprocSeconds);
    }
    progress("nproc: pool of 2 ready");
    byKey.get("ready").nproc = medianOf(quick ? 3 : 5, Compare::nprocReadyMillis);
    byKey.get("ready-spawn").nproc = byKey.get("ready").nproc;
    readyFromAFolder(byKey.get("ready-folder"));
    coldRowsAgain(byKey);

    progress("ForkJoinPool(2): all workloads");
    ForkJoinPool fjp = new ForkJoinPool(2);
    try {
      byKey.get("submit").fjp = throughput(() -> fjpSubmitRound(fjp, 10_000));
      byKey.get("iterate-1").fjp = throughput(() -> fjpIterateRound(fjp, 20_000, 1));
      byKey.get("iterate-100").fjp = throughput(() -> fjpIterateRound(fjp, 1_000_000, 100));
      byte[] payload = new byte[MIB];
      byKey.get("payload").fjp = throughput(() -> fjpPayloadRound(fjp, payload, 16));
      byKey.get("iterate-1mib").fjp = throughput(() -> fjpPayloadRound(fjp, payload, 64));
      byKey.get("round-trip").fjp = medianMicros(
          () -> CompletableFuture.supplyAsync(() -> Workloads.increment(1), fjp).join());
      double serialSeconds = serialMandelbrotSeconds();
      double fjpSeconds = best(2, () -> timeSeconds(() -> mandelbrotOnForkJoin(fjp)));
      byKey.get("cpu-speedup").fjp = serialSeconds / fjpSeconds;
    } finally {
      fjp.shutdownNow();
    }
    byKey.get("ready").fjp = medianOf(5, Compare::forkJoinReadyMillis);

    if (python != null) {
      pythonVersion = runPython(python, byKey);
      byKey.get("ready-folder").python = byKey.get("ready-spawn").python;
    }

    printTable(rows, python == null ? "skipped (--no-python)" : pythonVersion, (System.nanoTime() - started) / 1e9);
  }

  // ------------------------------------------------------------------ nproc rounds

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static long submitRound(Pool pool, int n) {
    CompletableFuture<Optional<Integer>>[] fs = new CompletableFuture[n];
    for (int i = 0; i < n; i++) {
      fs[i] = pool.submit(Workloads::increment, i);
    }
    for (CompletableFuture<Optional<Integer>> f : fs) {
      f.join().orElseThrow();
    }
    return n;
  }

  private static long iterateRound(Pool pool, int n, int granularity) {
    IterOptions options = IterOptions.builder().granularity(granularity).build();
    AtomicLong sum = new AtomicLong();
    IterStream.map(pool, Workloads::increment, IntStream.range(0, n).boxed(), options)
        .forEach(r -> sum.addAndGet(r.orElseThrow()));
    return n;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static long payloadRound(Pool pool, byte[] payload, int n) {
    CompletableFuture<Integer>[] fs = new CompletableFuture[n];
    for (int i = 0; i < n; i++) {
      fs[i] = pool.call(Workloads::length, payload);
    }
    for (CompletableFuture<Integer> f : fs) {
      f.join();
    }
    return n; // one task moves one MiB: tasks/s == MiB/s
  }

  /** IterStream.map over {@code n} elements, each the 1 MiB payload, at granularity 1; returns MiB moved. */
  private static long iterateMibRound(Pool pool, byte[] payload, int n) {
    IterOptions options = IterOptions.builder().granularity(1).build();
    long total = IterStream.map(pool, Workloads::length, Stream.generate(() -> payload).limit(n), options)
        .mapToLong(r -> r.orElseThrow()).sum();
    if (total != (long) n * payload.length) {
      throw new AssertionError("lengths add up to " + total);
    }
    return n;
  }

  private static final int CPU_HEIGHT = 800;
  private static final int CPU_MAX_ITER = 4000;
  private static final int WARM_HEIGHT = 160;

  private static long mandelbrotOnPool(Pool pool) {
    return mandelbrotOnPool(pool, CPU_HEIGHT);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static long mandelbrotOnPool(Pool pool, int height) {
    int n = Workloads.bands(height);
    CompletableFuture<Optional<Long>>[] fs = new CompletableFuture[n];
    for (int b = 0; b < n; b++) {
      fs[b] = pool.submit(Workloads::mandelbrotTask, new int[] {b, height, CPU_MAX_ITER});
    }
    long sum = 0;
    for (CompletableFuture<Optional<Long>> f : fs) {
      sum += f.join().orElseThrow();
    }
    return sum;
  }

  private static double serialMandelbrotSeconds() {
    Workloads.mandelbrotSerial(WARM_HEIGHT, CPU_MAX_ITER);
    return best(2, () -> timeSeconds(() -> Workloads.mandelbrotSerial(CPU_HEIGHT, CPU_MAX_ITER)));
  }

  private static double nprocReadyMillis() {
    long t = System.nanoTime();
    Pool pool = Workloads.readyPool(2, "compare-ready");
    double ms = (System.nanoTime() - t) / 1e6;
    pool.terminate();
    pool.whenClosed().orTimeout(30, TimeUnit.SECONDS).join();
    return ms;
  }

  // ------------------------------------------------------------------ cold rows

  /** The number of tasks or elements a cold row times. */
  private static final int COLD_UNITS = 50_000;

  /**
   * The cold rows, measured first in the run, when this JVM has not used nproc yet: a new pool,
   * created inside the timed interval, and its first 50,000 trivial tasks (submitted in rounds of
   * 10,000, as in the warm row) or elements at granularity 1. Their targets are half of the warm
   * rows of the same run; the Python column times {@code Pool(2)} the same way.
   */
  private void coldRows(Map<String, Row> byKey) {
    Row submit = byKey.get("submit-cold");
    Row iterate = byKey.get("iterate-1-cold");
    submit.warm = byKey.get("submit");
    iterate.warm = byKey.get("iterate-1");
    submit.fractionOfWarm = 0.5;
    iterate.fractionOfWarm = 0.5;
    byKey.get("ready-spawn").maximumTimesPython = 1.5;
    byKey.get("ready-folder").maximumTimesPython = 2;
    progress("nproc: new pool's first 50,000 tasks (cold JVM)");
    double[] s = cold(pool -> {
      for (int i = 0; i < COLD_UNITS / 10_000; i++) {
        submitRound(pool, 10_000);
      }
    });
    progress("nproc: new pool's first 50,000 elements at granularity 1");
    double[] it = cold(pool -> iterateRound(pool, COLD_UNITS, 1));
    submit.nproc = s[0];
    iterate.nproc = it[0];
    submit.note = String.format(Locale.ROOT, "nproc: pool created inside the interval; from the pool's creation %s/s,"
        + " from Pool.create's return %s/s", fmt(s[0]), fmt(s[1]));
    iterate.note = String.format(Locale.ROOT, "nproc: from the pool's creation %s/s, from Pool.create's return %s/s",
        fmt(it[0]), fmt(it[1]));
  }

  /** The same cold measurements once this JVM is warm: only the new workers are cold. Told in the notes. */
  private void coldRowsAgain(Map<String, Row> byKey) {
    progress("nproc: new pool's first 50,000 tasks and elements again, this JVM warm");
    double[] s = cold(pool -> {
      for (int i = 0; i < COLD_UNITS / 10_000; i++) {
        submitRound(pool, 10_000);
      }
    });
    double[] it = cold(pool -> iterateRound(pool, COLD_UNITS, 1));
    byKey.get("submit-cold").note += String.format(Locale.ROOT, "; again with this JVM warm (new workers only): %s/s,"
        + " %s/s", fmt(s[0]), fmt(s[1]));
    byKey.get("iterate-1-cold").note += String.format(Locale.ROOT, "; again with this JVM warm (new workers only):"
        + " %s/s, %s/s", fmt(it[0]), fmt(it[1]));
  }

  /**
   * The ready row with nproc's classes in a folder before the jar, as in an IDE or under
   * {@code mvn exec}: one pool first starts and closes (so the archive exists, as on every run but
   * the first), then the median of the same measurement as the ready row. Compared with Python's
   * {@code spawn} figure.
   */
  private void readyFromAFolder(Row row) {
    progress("nproc: pool of 2 ready, nproc's classes in a folder");
    Path folder = null;
    try {
      folder = Files.createTempDirectory("nproc-compare-classes");
      PoolOptions options = Workloads.quietOptions("compare-folder").toBuilder()
          .classpath(StartupProfile.nprocClassesInFolder(folder)).build();
      try (Pool first = Pool.create(2, options)) {
        Workloads.warm(first);
      }
      row.nproc = medianOf(quick ? 3 : 5, () -> {
        long t = System.nanoTime();
        Pool pool = Pool.create(2, options);
        Workloads.warm(pool);
        double ms = (System.nanoTime() - t) / 1e6;
        pool.terminate();
        pool.whenClosed().orTimeout(30, TimeUnit.SECONDS).join();
        return ms;
      });
    } catch (IOException e) {
      row.note = "not measured: " + e;
    } finally {
      if (folder != null) {
        try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // a temporary folder
        }
      }
    }
  }

  /** Times a new pool and {@code work} on it; returns units/s from before {@code Pool.create}, and from its return. */
  private static double[] cold(java.util.function.Consumer<Pool> work) {
    long t0 = System.nanoTime();
    Pool pool = Pool.create(2, Workloads.quietOptions("compare-cold"));
    long t1 = System.nanoTime();
    work.accept(pool);
    long t2 = System.nanoTime();
    pool.close();
    return new double[] {COLD_UNITS / ((t2 - t0) / 1e9), COLD_UNITS / ((t2 - t1) / 1e9)};
  }

  // ------------------------------------------------------------------ ForkJoinPool rounds

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static long fjpSubmitRound(ForkJoinPool fjp, int n) {
    CompletableFuture<Integer>[] fs = new CompletableFuture[n];
    for (int i = 0; i < n; i++) {
      int x = i;
      fs[i] = CompletableFuture.supplyAsync(() -> Workloads.increment(x), fjp);
    }
    for (CompletableFuture<Integer> f : fs) {
      f.join();
    }
    return n;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static long fjpIterateRound(ForkJoinPool fjp, int n, int granularity) {
    int chunks = (n + granularity - 1) / granularity;
    CompletableFuture<int[]>[] fs = new CompletableFuture[chunks];
    for (int c = 0; c < chunks; c++) {
      int from = c * granularity;
      int to = Math.min(n, from + granularity);
      fs[c] = CompletableFuture.supplyAsync(() -> {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
          out[i - from] = Workloads.increment(i);
        }
        return out;
      }, fjp);
    }
    long sum = 0;
    for (CompletableFuture<int[]> f : fs) {
      for (int v : f.join()) {
        sum += v;
      }
    }
    return sum > 0 ? n : 0;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static long fjpPayloadRound(ForkJoinPool fjp, byte[] payload, int n) {
    CompletableFuture<Integer>[] fs = new CompletableFuture[n];
    for (int i = 0; i < n; i++) {
      fs[i] = CompletableFuture.supplyAsync(() -> Workloads.length(payload), fjp);
    }
    for (CompletableFuture<Integer> f : fs) {
      f.join();
    }
    return n;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static long mandelbrotOnForkJoin(ForkJoinPool fjp) {
    int n = Workloads.bands(CPU_HEIGHT);
    CompletableFuture<Long>[] fs = new CompletableFuture[n];
    for (int b = 0; b < n; b++) {
      int band = b;
      fs[b] = CompletableFuture.supplyAsync(() -> Workloads.mandelbrotBand(band, CPU_HEIGHT, CPU_MAX_ITER), fjp);
    }
    long sum = 0;
    for (CompletableFuture<Long> f : fs) {
      sum += f.join();
    }
    return sum;
  }

  private static double forkJoinReadyMillis() {
    long t = System.nanoTime();
    ForkJoinPool fjp = new ForkJoinPool(2);
    CountDownLatch both = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      fjp.execute(() -> {
        both.countDown();
        try {
          both.await(); // so the two tasks run on two threads
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    try {
      both.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double ms = (System.nanoTime() - t) / 1e6;
    fjp.shutdownNow();
    return ms;
  }

  // ------------------------------------------------------------------ measuring

  /** Runs rounds for {@code warmupSeconds} as warm-up, then for {@code seconds}; returns units per second. */
  private double throughput(LongSupplier round) {
    runFor(warmupSeconds, round);
    return runFor(seconds, round);
  }

  private static double runFor(double seconds, LongSupplier round) {
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    long units = 0;
    long now;
    do {
      units += round.getAsLong();
      now = System.nanoTime();
    } while (now < deadline);
    return units / ((now - start) / 1e9);
  }

  /** Warms up, then times {@code action} one at a time for {@code seconds}; returns the median in µs. */
  private double medianMicros(Runnable action) {
    for (int i = 0; i < 2_000; i++) {
      action.run();
    }
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    List<Long> samples = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      long t = System.nanoTime();
      action.run();
      samples.add(System.nanoTime() - t);
    }
    samples.sort(null);
    return samples.get(samples.size() / 2) / 1e3;
  }

  private static double medianOf(int n, java.util.function.DoubleSupplier measure) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = measure.getAsDouble();
    }
    Arrays.sort(v);
    return v[n / 2];
  }

  private static double best(int n, java.util.function.DoubleSupplier measure) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      best = Math.min(best, measure.getAsDouble());
    }
    return best;
  }

  private static double timeSeconds(LongSupplier job) {
    long t = System.nanoTime();
    if (job.getAsLong() == Long.MIN_VALUE) {
      throw new AssertionError(); // keeps the result alive
    }
    return (System.nanoTime() - t) / 1e9;
  }

  private static void progress(String what) {
    System.err.println("[compare] " + what);
  }

  // ------------------------------------------------------------------ Python

  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":\\s*(\"[^\"]*\"|[-0-9.eE+]+|null)");

  /** Runs compare.py, fills in the Python column; returns a description of the Python run. */
  private String runPython(String python, Map<String, Row> byKey) throws IOException, InterruptedException {
    Path script = pythonScript();
    progress("Python: " + python + " " + script + (quick ? " --quick" : ""));
    List<String> command = new ArrayList<>(List.of(python, script.toString()));
    if (quick) {
      command.add("--quick");
    }
    Process p;
    try {
      p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      progress("Python column skipped: cannot run '" + python + "' (" + e.getMessage()
          + "); install python3 or pass --python=/path/to/python3");
      return "python not found";
    }
    p.getOutputStream().close();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
        }
      } catch (IOException ignored) {
        // the process was killed
      }
    }, "compare-python-reader");
    reader.setDaemon(true);
    reader.start();
    String status = "";
    if (!p.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      status = " (timed out after " + PYTHON_TIMEOUT_SECONDS + " s; partial results)";
      progress("Python run timed out; its remaining rows are empty");
    } else if (p.exitValue() != 0) {
      status = " (exited with " + p.exitValue() + "; partial results)";
    }
    reader.join(5_000);
    String version = "?";
    Map<String, Double> peers = new java.util.LinkedHashMap<>();
    synchronized (lines) {
      for (String line : lines) {
        Map<String, String> fields = new HashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
          fields.put(m.group(1), m.group(2).replace("\"", ""));
        }
        String workload = fields.get("workload");
        String value = fields.get("value");
        if (workload == null || value == null) {
          continue;
        }
        if (workload.equals("info")) {
          version = "Python " + value + ", start method " + fields.getOrDefault("start_method", "?");
        } else if (workload.startsWith(PEER_PREFIX)) {
          peers.put(workload.substring(PEER_PREFIX.length()), value.equals("null") ? null : Double.parseDouble(value));
        } else if (byKey.containsKey(workload) && !value.equals("null")) {
          byKey.get(workload).python = Double.parseDouble(value);
        } else if (fields.containsKey("error")) {
          progress("Python " + workload + " failed: " + fields.get("error"));
        }
      }
    }
    peerRow(byKey.get("iterate-1mib"), peers);
    return version + status;
  }

  private static final String PEER_PREFIX = "iterate-1mib-";

  /**
   * Puts the best of Python's pools (multiprocessing.Pool, and pebble and loky when installed)
   * in the row's Python column, and each one's figure in its note.
   */
  private static void peerRow(Row row, Map<String, Double> peers) {
    StringBuilder note = new StringBuilder("Python peers, MiB/s: multiprocessing.Pool ").append(fmt(row.python));
    Double best = row.python;
    for (Map.Entry<String, Double> peer : peers.entrySet()) {
      note.append(", ").append(peer.getKey()).append(' ')
          .append(peer.getValue() == null ? "not run (not installed?)" : fmt(peer.getValue()));
      if (peer.getValue() != null && (best == null || peer.getValue() > best)) {
        best = peer.getValue();
      }
    }
    row.python = best;
    row.note = note.append("; the Python column is the best of them. Elements at granularity (chunksize) 1;"
        + " nproc uses IterStream.map").toString();
  }

  /** The script next to the sources when run from a checkout, else a copy of the one in the jar. */
  private static Path pythonScript() throws IOException {
    Path inTree = Path.of("benchmarks", "python", "compare.py");
    if (Files.isRegularFile(inTree)) {
      return inTree;
    }
    Path copy = Files.createTempFile("nproc-compare", ".py");
    copy.toFile().deleteOnExit();
    try (InputStream in = Compare.class.getResourceAsStream("/dev/nproc/benchmarks/python/compare.py")) {
      if (in == null) {
        throw new IOException("compare.py is neither in benchmarks/python nor in the jar");
      }
      Files.write(copy, in.readAllBytes());
    }
    return copy;
  }

  // ------------------------------------------------------------------ table

  private static String fmt(Double v) {
    if (v == null) {
      return "-";
    }
    double a = Math.abs(v);
    if (a >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", v / 1e6);
    }
    if (a >= 1e4) {
      return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String target(Row r) {
    if (r.warm != null) {
      return ">= " + r.fractionOfWarm + "x the warm row";
    }
    if (!Double.isNaN(r.maximumTimesPython)) {
      return "<= " + r.maximumTimesPython + "x Py (spawn)";
    }
    String op = r.higherIsBetter ? ">= " : "<= ";
    String s = op + fmt(r.minimum) + " " + r.unit;
    if (!Double.isNaN(r.minimumVsPython)) {
      s += ", >= " + r.minimumVsPython + "x Py";
    }
    return s;
  }

  private static String verdict(Row r) {
    if (r.nproc == null) {
      return "-";
    }
    if (r.warm != null) {
      return r.warm.nproc == null ? "-" : r.nproc >= r.fractionOfWarm * r.warm.nproc ? "yes" : "NO";
    }
    if (!Double.isNaN(r.maximumTimesPython)) {
      return r.python == null ? "-" : r.nproc <= r.maximumTimesPython * r.python ? "yes" : "NO";
    }
    boolean own = r.higherIsBetter ? r.nproc >= r.minimum : r.nproc <= r.minimum;
    if (Double.isNaN(r.minimumVsPython)) {
      return own ? "yes" : "NO";
    }
    Double vs = r.vsPython();
    if (vs == null) {
      return own ? "yes (Py ?)" : "NO";
    }
    return own && vs >= r.minimumVsPython ? "yes" : "NO";
  }

  private void printTable(List<Row> rows, String pythonVersion, double elapsed) {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    System.out.println();
    System.out.printf(Locale.ROOT, "nproc comparison, %s, %d cores, JDK %s, %s, load average %.2f, %s run in %.0f s%n",
        LocalDate.now(), Runtime.getRuntime().availableProcessors(), Runtime.version(), pythonVersion, load,
        quick ? "quick" : "full", elapsed);
    String format = "| %-31s | %-8s | %9s | %12s | %9s | %9s | %-28s | %-4s |%n";
    System.out.printf(Locale.ROOT, format, "workload", "unit", "nproc", "ForkJoinPool", "Python", "nproc/Py",
        "target", "met");
    System.out.println("|" + "-".repeat(33) + "|" + "-".repeat(10) + "|" + "-".repeat(11) + "|" + "-".repeat(14)
        + "|" + "-".repeat(11) + "|" + "-".repeat(11) + "|" + "-".repeat(30) + "|" + "-".repeat(6) + "|");
    for (Row r : rows) {
      Double vs = r.vsPython();
      System.out.printf(Locale.ROOT, format, r.label, r.unit, fmt(r.nproc), fmt(r.fjp), fmt(r.python),
          vs == null ? "-" : String.format(Locale.ROOT, "%.2fx", vs), target(r), verdict(r));
    }
    for (Row r : rows) {
      if (!r.note.isEmpty()) {
        System.out.println(r.label + ": " + r.note);
      }
    }
    System.out.println("nproc/Py: how many times better nproc is than Python (for times: Python's time / nproc's).");
    System.out.println("ForkJoinPool: 2 threads in this JVM, no serialization or pipes (a ceiling, not a rival);"
        + " its 1 MiB row passes a reference.");
  }
}
