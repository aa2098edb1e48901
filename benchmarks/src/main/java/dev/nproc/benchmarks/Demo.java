package dev.nproc.benchmarks;

import dev.nproc.pool.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The runnable demo: renders a Mandelbrot image (summing every pixel's escape iteration count)
 * serially in one thread and on a pool of two worker JVMs, one task per band of eight rows, twice
 * each after an untimed warm-up, then prints the best times, the speedup and whether the sums agree.
 *
 * <p>Run it from the reactor root with {@code mvn -q -B -DskipTests -Pdemo verify}, or after a
 * build with
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -cp benchmarks/target/benchmarks.jar dev.nproc.benchmarks.Demo [height] [maxIter]}.
 * Exits with status 1 if the results differ.
 */
public final class Demo {
  private static final int WORKERS = 2;

  private static final int WARMUP_HEIGHT = 160;
  /** Each side runs the job this many times and keeps its best time, to damp noise from other processes. */
  private static final int RUNS = 2;

  private Demo() {}

  /** Submits one task per band, then adds up the results. */
  private static long render(Pool pool, int height, int maxIter) {
    int tasks = Workloads.bands(height);
    List<CompletableFuture<Optional<Long>>> futures = new ArrayList<>(tasks);
    for (int b = 0; b < tasks; b++) {
      futures.add(pool.submit(Workloads::mandelbrotTask, new int[] {b, height, maxIter}));
    }
    long sum = 0;
    for (CompletableFuture<Optional<Long>> f : futures) {
      sum += f.join().orElseThrow(() -> new IllegalStateException("a task failed; see the log above"));
    }
    return sum;
  }

  /**
   * Runs the demo.
   *
   * @param args optional image height (default 1200) and iteration cap (default 5000)
   */
  public static void main(String[] args) {
    int height = args.length > 0 ? Integer.parseInt(args[0]) : 1200;
    int maxIter = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    int tasks = Workloads.bands(height);
    System.out.printf(Locale.ROOT, "nproc demo: Mandelbrot %dx%d, up to %d iterations a pixel, %d tasks of %d rows%n",
        Workloads.WIDTH, height, maxIter, tasks, Workloads.ROWS_PER_BAND);
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    System.out.printf(Locale.ROOT, "JDK %s, %d cores, load average %.2f%s%n", Runtime.version(),
        Runtime.getRuntime().availableProcessors(), load,
        load > 1.5 ? " (other processes are busy: timings will be noisy)" : "");

    // Warm-up, not timed: each side renders a small image first, so the JIT has compiled the
    // loop in this JVM and in each worker before the clocks start.
    Workloads.mandelbrotSerial(WARMUP_HEIGHT, maxIter);

    long serialSum = 0;
    long serialNanos = Long.MAX_VALUE;
    for (int run = 0; run < RUNS; run++) {
      long t = System.nanoTime();
      serialSum = Workloads.mandelbrotSerial(height, maxIter);
      serialNanos = Math.min(serialNanos, System.nanoTime() - t);
    }

    long poolSum = 0;
    long workNanos = Long.MAX_VALUE;
    long t1 = System.nanoTime();
    Pool pool = Pool.create(WORKERS, Workloads.quietOptions("demo"));
    long startupNanos = System.nanoTime() - t1;
    long closeNanos;
    try {
      render(pool, WARMUP_HEIGHT, maxIter);
      for (int run = 0; run < RUNS; run++) {
        long t = System.nanoTime();
        long sum = render(pool, height, maxIter);
        workNanos = Math.min(workNanos, System.nanoTime() - t);
        if (run > 0 && sum != poolSum) {
          throw new IllegalStateException("two runs on the pool disagree: " + poolSum + " and " + sum);
        }
        poolSum = sum;
      }
    } finally {
      long t = System.nanoTime();
      pool.close();
      closeNanos = System.nanoTime() - t;
    }
    long totalNanos = startupNanos + workNanos + closeNanos;

    double serialS = serialNanos / 1e9;
    double workS = workNanos / 1e9;
    double totalS = totalNanos / 1e9;
    System.out.println();
    System.out.printf(Locale.ROOT, "%-44s %9s %9s %9s%n", "", "time", "speedup", "tasks/s");
    System.out.printf(Locale.ROOT, "%-44s %8.2fs %8.2fx %9.0f%n", "serial, 1 thread", serialS, 1.0, tasks / serialS);
    System.out.printf(Locale.ROOT, "%-44s %8.2fs %8.2fx %9.0f%n", "nproc, " + WORKERS + " workers, pool already started",
        workS, serialS / workS, tasks / workS);
    System.out.printf(Locale.ROOT, "%-44s %8.2fs %8.2fx %9.0f%n", "nproc, " + WORKERS + " workers, with start-up and close",
        totalS, serialS / totalS, tasks / totalS);
    System.out.printf(Locale.ROOT, "(best of %d runs each; pool start-up %.0f ms, close %.0f ms)%n", RUNS,
        startupNanos / 1e6, closeNanos / 1e6);
    boolean same = serialSum == poolSum;
    System.out.printf(Locale.ROOT, "results: serial %d, nproc %d: %s%n", serialSum, poolSum, same ? "equal" : "DIFFERENT");
    if (!same) {
      System.exit(1);
    }
  }
}
