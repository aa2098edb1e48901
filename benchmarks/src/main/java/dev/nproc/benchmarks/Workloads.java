package dev.nproc.benchmarks;

import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.WorkerOutput;

/**
 * The workloads shared by the demo, the JMH benchmarks and the comparison harness: a CPU-bound
 * Mandelbrot render cut into bands of rows, and the trivial functions the overhead benchmarks
 * send. Every function here is a static method, so its method reference captures nothing and
 * serializes to a few hundred bytes.
 *
 * <p>Stateless and thread-safe.
 */
public final class Workloads {
  /** Image width in pixels. */
  public static final int WIDTH = 1200;
  /** Rows in one band, the unit of work of one task. */
  public static final int ROWS_PER_BAND = 8;

  private Workloads() {}

  /**
   * Renders rows {@code [band * ROWS_PER_BAND, (band + 1) * ROWS_PER_BAND)} of a Mandelbrot image
   * of {@code WIDTH x height} pixels over the square [-2, 1] x [-1.5, 1.5], and sums the escape
   * iteration counts (capped at {@code maxIter}) of its pixels.
   *
   * @param band the band's index
   * @param height the image's height in pixels
   * @param maxIter the iteration cap
   * @return the sum of the band's iteration counts
   */
  public static long mandelbrotBand(int band, int height, int maxIter) {
    long sum = 0;
    int end = Math.min(height, (band + 1) * ROWS_PER_BAND);
    for (int y = band * ROWS_PER_BAND; y < end; y++) {
      double ci = -1.5 + 3.0 * y / height;
      for (int x = 0; x < WIDTH; x++) {
        double cr = -2.0 + 3.0 * x / WIDTH;
        double zr = 0;
        double zi = 0;
        int i = 0;
        while (i < maxIter && zr * zr + zi * zi <= 4.0) {
          double t = zr * zr - zi * zi + cr;
          zi = 2.0 * zr * zi + ci;
          zr = t;
          i++;
        }
        sum += i;
      }
    }
    return sum;
  }

  /**
   * The task function of the CPU-bound job: {@code job[0]} is the band, {@code job[1]} the
   * height, {@code job[2]} the iteration cap.
   *
   * @param job band, height, cap
   * @return the band's iteration sum
   */
  public static Long mandelbrotTask(int[] job) {
    return mandelbrotBand(job[0], job[1], job[2]);
  }

  /**
   * The number of bands of an image {@code height} rows high.
   *
   * @param height the image's height
   * @return the number of bands
   */
  public static int bands(int height) {
    return (height + ROWS_PER_BAND - 1) / ROWS_PER_BAND;
  }

  /**
   * Renders the whole image in the calling thread.
   *
   * @param height the image's height
   * @param maxIter the iteration cap
   * @return the sum of all iteration counts
   */
  public static long mandelbrotSerial(int height, int maxIter) {
    long sum = 0;
    for (int b = 0, n = bands(height); b < n; b++) {
      sum += mandelbrotBand(b, height, maxIter);
    }
    return sum;
  }

  /**
   * A trivial task: adds one.
   *
   * @param x the argument
   * @return {@code x + 1}
   */
  public static Integer increment(Integer x) {
    return x + 1;
  }

  /**
   * A task that sends its argument back, for payload and round-trip measurements.
   *
   * @param bytes the argument
   * @return the same array
   */
  public static byte[] echo(byte[] bytes) {
    return bytes;
  }

  /**
   * A task that receives a payload and answers with its length only.
   *
   * @param bytes the argument
   * @return its length
   */
  public static Integer length(byte[] bytes) {
    return bytes.length;
  }

  /**
   * The pool options every benchmark uses: worker output discarded, info messages dropped.
   *
   * @param name the pool's name
   * @return the options
   */
  public static PoolOptions quietOptions(String name) {
    return PoolOptions.builder().name(name).workerOutput(WorkerOutput.DISCARD).infoLog(s -> { }).build();
  }

  /**
   * Starts a pool of {@code n} workers and waits until every worker has answered one task, so
   * each has loaded the task classes once.
   *
   * @param n the number of workers
   * @param name the pool's name
   * @return the pool
   */
  public static Pool readyPool(int n, String name) {
    Pool pool = Pool.create(n, quietOptions(name));
    warm(pool);
    return pool;
  }

  /**
   * Sends each worker of {@code pool} a trivial task at the same time and waits for the answers.
   * With one task per worker and pipelining, every worker gets one (dispatch fills idle workers first).
   *
   * @param pool the pool
   */
  public static void warm(Pool pool) {
    java.util.concurrent.CompletableFuture<?>[] fs = new java.util.concurrent.CompletableFuture<?>[pool.size()];
    for (int i = 0; i < fs.length; i++) {
      fs[i] = pool.call(Workloads::increment, i);
    }
    java.util.concurrent.CompletableFuture.allOf(fs).join();
  }
}
