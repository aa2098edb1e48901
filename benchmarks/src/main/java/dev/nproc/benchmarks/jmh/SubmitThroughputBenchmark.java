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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of trivial tasks submitted one by one: {@value #TASKS} calls of {@code submit}
 * (each a function and a boxed integer), then a join of all their futures. The score is tasks
 * per second, on a pool of 2 workers.
 *
 * <p>Run from the reactor root after {@code mvn -q -B -DskipTests package}:
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -jar benchmarks/target/benchmarks.jar SubmitThroughputBenchmark}
 * (on JDK 23+ add {@code --sun-misc-unsafe-memory-access=allow} after the argfile).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SubmitThroughputBenchmark {
  static final int TASKS = 10_000;

  private Pool pool;

  /** Starts the pool and has each worker answer once. */
  @Setup(Level.Trial)
  public void setUp() {
    pool = Workloads.readyPool(2, "jmh-submit");
  }

  /** Stops the pool. */
  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  /**
   * Submits {@value #TASKS} trivial tasks, then waits for all of them.
   *
   * @return the sum of the results, so nothing is dead code
   */
  @Benchmark
  @OperationsPerInvocation(TASKS)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public long submitThenJoinAll() {
    CompletableFuture<Optional<Integer>>[] futures = new CompletableFuture[TASKS];
    for (int i = 0; i < TASKS; i++) {
      futures[i] = pool.submit(Workloads::increment, i);
    }
    long sum = 0;
    for (CompletableFuture<Optional<Integer>> f : futures) {
      sum += f.join().orElseThrow();
    }
    return sum;
  }
}
