package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.SerializableFunction;
import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.PoolStats;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IterStream.map's caller stopping early: the chunks still in the pool are cancelled, so the pool
 * is free again soon after, instead of running a window of chunks nobody will read.
 */
class MapCancelTest {
  private static final Duration GRACE = Duration.ofSeconds(1);
  private static final Duration FREE_AGAIN = GRACE.plusSeconds(15); // the grace, a worker's start-up, a loaded machine
  private static final SerializableFunction<Integer, Integer> SLOW = x -> {
    Thread.sleep(300);
    return x;
  };
  private static Pool pool;

  @BeforeAll
  static void startPool() {
    pool = Pool.create(2, PoolOptions.builder().name("map-cancel").cancelGrace(GRACE).build());
  }

  @AfterAll
  static void stopPool() {
    if (pool != null) {
      pool.terminate();
    }
  }

  private static boolean idle() {
    PoolStats stats = pool.stats();
    return stats.inFlight() == 0 && stats.queued() == 0;
  }

  private static Stream<Integer> endless() {
    return Stream.iterate(0, i -> i + 1);
  }

  @Test
  void map_limitOnAnEndlessSlowStreamThenClose_returnsTheResultsAndFreesThePool() {
    long cancelledBefore = pool.stats().cancelled();
    List<Optional<Integer>> first;
    try (Stream<Optional<Integer>> results = IterStream.map(pool, SLOW, endless(), IterOptions.defaults())) {
      first = results.limit(3).toList();
    }

    assertThat(first).hasSize(3).allSatisfy(r -> assertThat(r).isPresent());
    await().atMost(FREE_AGAIN).until(MapCancelTest::idle);
    assertThat(pool.stats().cancelled() - cancelledBefore).isPositive();
    assertThat(pool.call(x -> x + 1, 1)).succeedsWithin(FREE_AGAIN).isEqualTo(2);
  }

  @Test
  void map_limitWithoutClosingTheStream_chunksCancelledOnceTheStreamIsCollected() {
    List<Optional<Integer>> first = IterStream.map(pool, SLOW, endless(), IterOptions.defaults()).limit(3).toList();

    assertThat(first).hasSize(3);
    // Nothing closes the stream: its chunks are cancelled when the collector takes it.
    await().atMost(FREE_AGAIN).until(() -> {
      System.gc();
      return idle();
    });
    assertThat(pool.call(x -> x + 1, 1)).succeedsWithin(FREE_AGAIN).isEqualTo(2);
  }

  @Test
  void map_exceptionInTheConsumingStage_cancelsTheChunksInFlight() {
    Stream<Optional<Integer>> results = IterStream.map(pool, SLOW, endless(), IterOptions.defaults());

    assertThatThrownBy(() -> results.map(r -> {
      throw new IllegalStateException("the consumer gives up");
    }).toList()).isInstanceOf(IllegalStateException.class).hasMessage("the consumer gives up");
    await().atMost(FREE_AGAIN).until(MapCancelTest::idle);
    assertThat(pool.call(x -> x + 1, 1)).succeedsWithin(FREE_AGAIN).isEqualTo(2);
  }
}
