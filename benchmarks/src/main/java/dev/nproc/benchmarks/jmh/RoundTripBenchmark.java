package dev.nproc.benchmarks.jmh;

import dev.nproc.benchmarks.Workloads;
import dev.nproc.pool.Pool;
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
 * Latency of one sequential round trip: {@code call} of a trivial task on an otherwise idle pool
 * of 2 workers, then {@code join}. Sampled; read the {@code p0.50} line (the median) of the
 * result, in microseconds.
 *
 * <p>Run from the reactor root after {@code mvn -q -B -DskipTests package}:
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -jar benchmarks/target/benchmarks.jar RoundTripBenchmark}
 * (on JDK 23+ add {@code --sun-misc-unsafe-memory-access=allow} after the argfile).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RoundTripBenchmark {
  private Pool pool;
  private int next;

  /** Starts the pool and has each worker answer once. */
  @Setup(Level.Trial)
  public void setUp() {
    pool = Workloads.readyPool(2, "jmh-roundtrip");
  }

  /** Stops the pool. */
  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  /**
   * One call, waited for.
   *
   * @return the result
   */
  @Benchmark
  public Integer callAndJoin() {
    return pool.call(Workloads::increment, next++).join();
  }
}
