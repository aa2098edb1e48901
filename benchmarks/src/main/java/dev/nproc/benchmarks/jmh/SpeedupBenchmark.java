package dev.nproc.benchmarks.jmh;

import dev.nproc.benchmarks.Workloads;
import dev.nproc.pool.Pool;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A CPU-bound job, a {@value #HEIGHT}-row Mandelbrot render cut into bands of 8 rows, run
 * serially in one thread ({@code serial}) and on a pool of 2 workers ({@code nproc2}). The
 * speedup is {@code serial / nproc2} of the average times, in milliseconds.
 *
 * <p>Run from the reactor root after {@code mvn -q -B -DskipTests package}:
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -jar benchmarks/target/benchmarks.jar SpeedupBenchmark}
 * (on JDK 23+ add {@code --sun-misc-unsafe-memory-access=allow} after the argfile).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SpeedupBenchmark {
  static final int HEIGHT = 400;
  static final int MAX_ITER = 2000;

  private Pool pool;

  /** Starts the pool and has each worker answer once. */
  @Setup(Level.Trial)
  public void setUp() {
    pool = Workloads.readyPool(2, "jmh-speedup");
  }

  /** Stops the pool. */
  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  /**
   * The job in the calling thread.
   *
   * @return the iteration sum
   */
  @Benchmark
  public long serial() {
    return Workloads.mandelbrotSerial(HEIGHT, MAX_ITER);
  }

  /**
   * The job on 2 workers, one task per band.
   *
   * @return the iteration sum
   */
  @Benchmark
  @SuppressWarnings({"unchecked", "rawtypes"})
  public long nproc2() {
    int n = Workloads.bands(HEIGHT);
    CompletableFuture<Optional<Long>>[] futures = new CompletableFuture[n];
    for (int b = 0; b < n; b++) {
      futures[b] = pool.submit(Workloads::mandelbrotTask, new int[] {b, HEIGHT, MAX_ITER});
    }
    long sum = 0;
    for (CompletableFuture<Optional<Long>> f : futures) {
      sum += f.join().orElseThrow();
    }
    return sum;
  }
}
