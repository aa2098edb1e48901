package dev.nproc.benchmarks.jmh;

import dev.nproc.benchmarks.Workloads;
import dev.nproc.pool.Pool;
import dev.nproc.stream.IterOptions;
import dev.nproc.stream.IterStream;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of parallel iteration: {@code IterStream.map} of a trivial function over
 * {@value #ELEMENTS} boxed integers on a pool of 2 workers, unordered, at granularity 1 (one
 * element a task) and 100 (batches of 100). The score is elements per second.
 *
 * <p>Run from the reactor root after {@code mvn -q -B -DskipTests package}:
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -jar benchmarks/target/benchmarks.jar IterateBenchmark}
 * (on JDK 23+ add {@code --sun-misc-unsafe-memory-access=allow} after the argfile); one granularity
 * only: append {@code -p granularity=100}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IterateBenchmark {
  static final int ELEMENTS = 20_000;

  @Param({"1", "100"})
  int granularity;

  private Pool pool;
  private IterOptions options;

  /** Starts the pool and has each worker answer once. */
  @Setup(Level.Trial)
  public void setUp() {
    pool = Workloads.readyPool(2, "jmh-iterate");
    options = IterOptions.builder().granularity(granularity).build();
  }

  /** Stops the pool. */
  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  /**
   * Maps {@value #ELEMENTS} elements through the pool and adds up the results.
   *
   * @return the sum
   */
  @Benchmark
  @OperationsPerInvocation(ELEMENTS)
  public long map() {
    return IterStream.map(pool, Workloads::increment, IntStream.range(0, ELEMENTS).boxed(), options)
        .mapToLong(r -> r.orElseThrow())
        .sum();
  }
}
