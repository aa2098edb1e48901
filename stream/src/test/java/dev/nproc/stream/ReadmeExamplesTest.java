package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.pool.FullPool;
import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's Java examples, compiled and run, and a check that every {@code java} block of the
 * README is, line for line, one of them: an example that stops compiling fails the build, and so
 * does a README example edited without this file.
 */
class ReadmeExamplesTest {

  /** Runs an example and returns what it printed, line by line. */
  private static List<String> printedBy(Runnable example) {
    java.io.PrintStream console = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(printed, true));
    try {
      example.run();
    } finally {
      System.setOut(console);
    }
    return printed.toString().lines().toList();
  }

  @Test
  void usage_poolSubmitAndCall() {
    assertThat(printedBy(ReadmeExamplesTest::usage)).containsExactly("49", "1001");
  }

  private static void usage() {
    try (Pool pool = Pool.create(2)) {                                      // 2 worker JVMs
      CompletableFuture<Optional<Integer>> square = pool.submit(x -> x * x, 7);
      System.out.println(square.join().orElseThrow());                     // 49

      int offset = 1000;                                                   // captured variables travel too
      CompletableFuture<Integer> shifted = pool.call(x -> x + offset, 1);  // call: failures as exceptions
      System.out.println(shifted.join());                                  // 1001
    }                                                                      // close: drains, then workers exit
  }

  @Test
  void optionsAndTerminate() {
    assertThat(printedBy(ReadmeExamplesTest::terminate)).containsExactly("true");
  }

  private static void terminate() {
    PoolOptions options = PoolOptions.builder()
        .name("render")                                  // thread names, log lines, output prefix
        .jvmArgs(List.of("-Xmx256m"))                    // each worker's own heap
        .taskTimeout(Duration.ofMinutes(5))              // a task running longer fails; its worker is replaced
        .init(info -> System.err.println("worker " + info.workerId() + " is pid " + info.pid()))
        .build();
    Pool pool = Pool.create(2, options);
    CompletableFuture<Optional<Integer>> slow = pool.submit(x -> { Thread.sleep(60_000); return x; }, 1);
    pool.terminate();                                    // kill the workers now: unfinished tasks are cancelled
    System.out.println(slow.isCancelled());              // true
    pool.whenClosed().join();                            // every worker process is gone
  }

  @Test
  void fullMode_envAndServ() {
    assertThat(printedBy(ReadmeExamplesTest::fullMode)).containsExactly("20");
  }

  private static void fullMode() {
    Map<String, Integer> prices = Map.of("apple", 3, "pear", 5);           // sent once to each worker
    Map<String, Integer> stock = new ConcurrentHashMap<>(Map.of("apple", 10, "pear", 4)); // stays in the master
    try (FullPool<String, Integer, Map<String, Integer>> pool = FullPool.create(2,
            sku -> CompletableFuture.supplyAsync(() -> stock.get(sku)),      // the master's service
            prices)) {
      int value = pool.<String, Integer>call((serv, env, sku) -> env.get(sku) * serv.request(sku), "pear").join();
      System.out.println(value);                                           // 20: price 5 x stock 4
    }
  }

  @Test
  void iterStream_primes() {
    LongAdder primes = new LongAdder();
    IterStream.iterStream(
        IterOptions.builder()
            .granularity(100)                        // 100 consecutive elements per task
            .ordered(false)                          // completion order (the default)
            .progress(p -> System.err.printf("\r%d done, %.0f/s", p.done(), p.ratePerSecond()))
            .build(),
        2,                                           // workers
        (Long n) -> BigInteger.valueOf(n).isProbablePrime(30),
        isPrime -> { if (isPrime.orElse(false)) primes.increment(); },   // runs on this thread
        LongStream.range(1, 200_000).boxed());
    assertThat(primes.sum()).isEqualTo(17_984);
  }

  @Test
  void map_overAnExistingPool() {
    assertThat(printedBy(ReadmeExamplesTest::map)).containsExactly("Optional[A]", "Optional[B]", "Optional[C]");
  }

  private static void map() {
    try (Pool pool = Pool.create(2);
         Stream<Optional<String>> upper = IterStream.map(pool, (String s) -> s.toUpperCase(),
             Stream.of("a", "b", "c"), IterOptions.builder().ordered(true).build())) {
      upper.forEach(System.out::println);            // Optional[A], Optional[B], Optional[C]
    }
  }

  @Test
  void readme_everyJavaBlock_isACompiledExample() throws IOException {
    Path readme = Path.of("").toAbsolutePath().resolveSibling("README.md");
    Path self = Path.of("src/test/java/dev/nproc/stream/ReadmeExamplesTest.java");
    List<String> source = normalized(Files.readAllLines(self));
    // The cluster module's examples live in its own test, which runs them against real nodes.
    Path cluster = Path.of("").toAbsolutePath().resolveSibling("cluster/src/test/java/dev/nproc/cluster/ClusterPoolTest.java");
    if (Files.exists(cluster)) {
      source.addAll(normalized(Files.readAllLines(cluster)));
    }
    List<List<String>> blocks = new ArrayList<>();
    List<String> block = null;
    for (String line : Files.readAllLines(readme)) {
      if (line.startsWith("```java")) {
        block = new ArrayList<>();
      } else if (line.startsWith("```") && block != null) {
        blocks.add(normalized(block));
        block = null;
      } else if (block != null && !line.startsWith("import ")) {
        block.add(line);
      }
    }
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(4);
    for (List<String> b : blocks) {
      assertThat(java.util.Collections.indexOfSubList(source, b))
          .as("README block not found in %s:%n%s", self, String.join("\n", b)).isNotNegative();
    }
  }

  private static List<String> normalized(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      String s = line.strip();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
