package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.core.FullFunction;
import dev.nproc.pool.FullPool;
import dev.nproc.pool.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** IterStream on a pool the caller owns: the overloads that take a Pool or a FullPool, on local pools. */
class IterStreamOnPoolTest {
  private static Pool pool;
  private static FullPool<Integer, Integer, Integer> full;

  @BeforeAll
  static void startPools() {
    pool = Pool.create(2);
    full = FullPool.create(1, (Integer q) -> CompletableFuture.completedFuture(q * 10), 7);
  }

  @AfterAll
  static void closePools() {
    pool.close();
    full.close();
  }

  @Test
  void iterStream_onAnOpenPool_orderedCompleteAndThePoolStaysOpen() {
    List<Integer> out = new ArrayList<>();
    IterStream.iterStream(IterOptions.builder().granularity(7).ordered(true).build(), pool, (Integer x) -> x * 2,
        r -> out.add(r.orElseThrow()), IntStream.range(0, 1000).boxed());
    assertThat(out).containsExactlyElementsOf(IntStream.range(0, 1000).map(x -> 2 * x).boxed().toList());
    assertThat(pool.call((Integer x) -> x + 1, 1)).succeedsWithin(Duration.ofSeconds(30)).isEqualTo(2);
    assertThat(pool.whenClosed()).isNotDone();
  }

  @Test
  void iterStream_onAFullPool_tasksUseItsEnvAndService() {
    List<Optional<Integer>> out = new ArrayList<>();
    FullFunction<Integer, Integer, Integer, Integer, Integer> f = (serv, env, a) -> serv.request(a) + env;
    IterStream.iterStream(IterOptions.builder().ordered(true).build(), full, f, out::add,
        IntStream.range(0, 50).boxed());
    assertThat(out).containsExactlyElementsOf(IntStream.range(0, 50).map(x -> x * 10 + 7).boxed()
        .map(Optional::of).toList());
    assertThat(full.whenClosed()).isNotDone();
  }

  @Test
  void iterStream_inputThrows_rethrowsAndThePoolStaysUsable() {
    Stream<Integer> input = Stream.iterate(0, i -> i + 1).map(i -> {
      if (i == 500) {
        throw new IllegalStateException("input broke at " + i);
      }
      return i;
    });
    assertThatThrownBy(() -> IterStream.iterStream(IterOptions.defaults(), pool, (Integer x) -> x, r -> { }, input))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("input broke at 500");
    assertThat(pool.call((Integer x) -> x * 3, 3)).succeedsWithin(Duration.ofSeconds(30)).isEqualTo(9);
  }

  @Test
  void iterStream_optionsWithPoolSettings_rejectedNamingThem() {
    IterOptions withInit = IterOptions.builder().init(w -> { }).build();
    assertThatThrownBy(() -> IterStream.iterStream(withInit, pool, (Integer x) -> x, r -> { }, Stream.of(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IterOptions.init");
  }
}
