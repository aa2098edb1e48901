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
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Start-up of a pool of 2 workers: {@code Pool.create}, then one trivial task per worker until
 * every worker has answered once, then {@code terminate}. Each invocation is timed alone, in
 * milliseconds; the wait for the killed processes to be gone is outside the timing.
 *
 * <p>Run from the reactor root after {@code mvn -q -B -DskipTests package}:
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -jar benchmarks/target/benchmarks.jar StartupBenchmark}
 * (on JDK 23+ add {@code --sun-misc-unsafe-memory-access=allow} after the argfile).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class StartupBenchmark {
  private Pool last;

  /**
   * Starts a pool, waits until both workers answered once, kills it.
   *
   * @return the pool's size
   */
  @Benchmark
  public int createUntilReadyThenTerminate() {
    Pool pool = Workloads.readyPool(2, "jmh-startup");
    pool.terminate();
    last = pool;
    return pool.size();
  }

  /** Waits until the last pool's processes are gone, so they do not slow the next start. */
  @TearDown(Level.Invocation)
  public void awaitGone() {
    if (last != null) {
      last.whenClosed().orTimeout(30, TimeUnit.SECONDS).join();
      last = null;
    }
  }
}
