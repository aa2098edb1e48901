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
}
