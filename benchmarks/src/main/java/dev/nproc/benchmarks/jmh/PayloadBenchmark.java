package dev.nproc.benchmarks.jmh;

import dev.nproc.benchmarks.Workloads;
import dev.nproc.pool.Pool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
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
 * Bulk transfer with 1 MiB {@code byte[]} payloads on a pool of 2 workers, {@value #BATCH} tasks
 * in flight at a time. Scores are tasks per second; each task of {@code argumentOnly} moves 1 MiB
 * (so the score is MiB/s of arguments), each task of {@code argumentAndResult} moves 1 MiB each
 * way (score x 2 = MiB/s through the pipes).
 *
 * <p>Run from the reactor root after {@code mvn -q -B -DskipTests package}:
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -jar benchmarks/target/benchmarks.jar PayloadBenchmark}
 * (on JDK 23+ add {@code --sun-misc-unsafe-memory-access=allow} after the argfile).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PayloadBenchmark {
  static final int MIB = 1 << 20;
  static final int BATCH = 16;

  private Pool pool;
  private byte[] payload;

  /** Starts the pool, has each worker answer once, fills the payload. */
  @Setup(Level.Trial)
  public void setUp() {
    pool = Workloads.readyPool(2, "jmh-payload");
    payload = new byte[MIB];
    ThreadLocalRandom.current().nextBytes(payload);
  }

  /** Stops the pool. */
  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  /**
   * Sends {@value #BATCH} 1 MiB arguments; each task answers with the length.
   *
   * @return the sum of the lengths
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public long argumentOnly() {
    CompletableFuture<Integer>[] futures = new CompletableFuture[BATCH];
    for (int i = 0; i < BATCH; i++) {
      futures[i] = pool.call(Workloads::length, payload);
    }
    long sum = 0;
    for (CompletableFuture<Integer> f : futures) {
      sum += f.join();
    }
    return sum;
  }

  /**
   * Sends {@value #BATCH} 1 MiB arguments; each task answers with the same 1 MiB.
   *
   * @return the sum of the result lengths
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public long argumentAndResult() {
    CompletableFuture<byte[]>[] futures = new CompletableFuture[BATCH];
    for (int i = 0; i < BATCH; i++) {
      futures[i] = pool.call(Workloads::echo, payload);
    }
    long sum = 0;
    for (CompletableFuture<byte[]> f : futures) {
      sum += f.join().length;
    }
    return sum;
  }
}
