package dev.nproc.benchmarks.jmh;

import dev.nproc.benchmarks.StartupProfile;
import dev.nproc.benchmarks.Workloads;
import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Start-up of a pool of 2 workers: {@code Pool.create}, then one trivial task per worker until
 * every worker has answered once, then {@code terminate}. Each invocation is timed alone, in
 * milliseconds; the wait for the killed processes to be gone is outside the timing.
 *
 * <p>{@code classpath=jar}: the workers' classpath is this benchmark's jar. {@code classpath=folder}:
 * nproc's own classes come from a folder first, as in an IDE or under {@code mvn exec}; the setup
 * copies them out of the jar. Before the first measurement, one pool of each kind is started and
 * closed, so that the class-data archive exists, as it does on every run of a program but the first.
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
  /** Where the workers' classes come from. */
  @Param({"jar", "folder"})
  public String classpath;

  private PoolOptions options;
  private Path folder;
  private Pool last;

  /**
   * Builds the workers' classpath and lets one pool write the class-data archive.
   *
   * @throws IOException if the classes cannot be copied out of the jar
   */
  @Setup(Level.Trial)
  public void prepare() throws IOException {
    PoolOptions.Builder builder = Workloads.quietOptions("jmh-startup").toBuilder();
    if (classpath.equals("folder")) {
      folder = Files.createTempDirectory("nproc-startup-classes");
      builder.classpath(StartupProfile.nprocClassesInFolder(folder));
    }
    options = builder.build();
    try (Pool first = Pool.create(2, options)) {
      Workloads.warm(first);
    }
  }

  /**
   * Starts a pool, waits until both workers answered once, kills it.
   *
   * @return the pool's size
   */
  @Benchmark
  public int createUntilReadyThenTerminate() {
    Pool pool = Pool.create(2, options);
    Workloads.warm(pool);
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

  /**
   * Deletes the folder of classes.
   *
   * @throws IOException if it cannot be deleted
   */
  @TearDown(Level.Trial)
  public void deleteFolder() throws IOException {
    if (folder != null) {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.delete(p);
        }
      }
    }
  }
}
