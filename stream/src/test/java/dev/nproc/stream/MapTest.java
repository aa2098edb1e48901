package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** IterStream.map over one pool of 2 workers shared by the whole class. */
class MapTest {
  private static Pool pool;

  @BeforeAll
  static void startPool() {
    pool = Pool.create(2, PoolOptions.builder().name("map-test").build());
  }

  @AfterAll
  static void stopPool() {
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void map_endlessInputWithLimit_pullsOnlyABoundedPrefix() {
    AtomicLong pulled = new AtomicLong();
    IterOptions options = IterOptions.builder().granularity(3).ordered(true).build();
    List<Integer> first = IterStream.map(pool, (Integer x) -> x * 2,
            Stream.iterate(0, i -> i + 1).peek(x -> pulled.incrementAndGet()), options)
        .limit(10).map(Optional::orElseThrow).collect(Collectors.toList());

    assertThat(first).containsExactly(0, 2, 4, 6, 8, 10, 12, 14, 16, 18);
    assertThat(pulled.get()).isLessThanOrEqualTo(10 + (long) IterStream.WINDOW_PER_WORKER * pool.size() * 3);
  }

  @Test
  void map_findFirstThenClose_poolStaysUsableAndInputClosed() {
    AtomicBoolean inputClosed = new AtomicBoolean();
    Stream<Integer> input = IntStream.range(0, 1000).boxed().onClose(() -> inputClosed.set(true));
    Optional<Integer> found;
    try (Stream<Optional<Integer>> results = IterStream.map(pool, (Integer x) -> {
      Thread.sleep(20);
      return x + 1;
    }, input, IterOptions.defaults())) {
      found = results.flatMap(Optional::stream).findFirst();
    }

    assertThat(found).isPresent();
    assertThat(inputClosed).isTrue();
    assertThat(pool.call((Integer x) -> x * 3, 14)).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(42);
    // the tasks left in flight finish on their own; nothing else is queued behind them
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> pool.stats().inFlight() == 0 && pool.stats().queued() == 0);
  }

  @Test
  void map_unorderedWithFailures_everyElementOnceFailuresEmpty() {
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Optional<Integer>> results = IterStream.map(pool, (Integer x) -> {
      if (x % 25 == 0) {
        throw new IllegalArgumentException("bad " + x);
      }
      return x;
    }, IntStream.range(0, 100).boxed(), IterOptions.builder().granularity(7).errorLog(errors::add).build())
        .collect(Collectors.toList());

    assertThat(results).hasSize(100);
    assertThat(results.stream().filter(Optional::isEmpty).count()).isEqualTo(4);
    assertThat(results.stream().flatMap(Optional::stream).collect(Collectors.toSet()))
        .hasSize(96).doesNotContain(0, 25, 50, 75);
    assertThat(errors).hasSize(4).anyMatch(e -> e.contains("#75") && e.contains("bad 75"));
  }

  @Test
  void map_optionsWithPoolSettings_rejected() {
    assertThatThrownBy(() -> IterStream.map(pool, (Integer x) -> x, Stream.of(1),
        IterOptions.builder().init(w -> { }).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("init");
  }

  record Pair(int a, String b) implements java.io.Serializable {}

  @Test
  void map_resultsOfEveryKind_arriveWithTheirClassesInOrder() {
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Optional<Object>> results = IterStream.map(pool, (Integer x) -> switch (x % 6) {
      case 0 -> null;
      case 1 -> (long) x;
      case 2 -> "s" + x + "é";
      case 3 -> new Pair(x, "p"); // not written directly: its chunk goes through FST
      case 4 -> x / 2.0;
      default -> (Object) x;
    }, IntStream.range(0, 60).boxed(), IterOptions.builder().granularity(10).ordered(true).errorLog(errors::add).build())
        .collect(Collectors.toList());

    assertThat(errors).isEmpty();
    assertThat(results).hasSize(60);
    for (int x = 0; x < 60; x++) {
      Optional<Object> r = results.get(x);
      switch (x % 6) {
        case 0 -> assertThat(r).isEmpty();
        case 1 -> assertThat(r).containsInstanceOf(Long.class).contains((long) x);
        case 2 -> assertThat(r).contains("s" + x + "é");
        case 3 -> assertThat(r).contains(new Pair(x, "p"));
        case 4 -> assertThat(r).containsInstanceOf(Double.class).contains(x / 2.0);
        default -> assertThat(r).containsInstanceOf(Integer.class).contains(x);
      }
    }
  }

  @Test
  void map_chunksOfIntegersWithoutFailures_everyResultOnce() {
    List<String> errors = new CopyOnWriteArrayList<>();
    long sum = IterStream.map(pool, (Integer x) -> x + 1, IntStream.range(0, 100_000).boxed(),
            IterOptions.builder().granularity(100).errorLog(errors::add).build())
        .mapToLong(r -> r.orElseThrow()).sum();

    assertThat(sum).isEqualTo(100_000L * 100_001 / 2);
    assertThat(errors).isEmpty();
  }
}
