package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.core.FullFunction;
import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code byte[]} elements and results, which travel as they are when a chunk holds one element:
 * the same results, order and failures as any other element.
 */
class ByteElementsTest {
  private static Pool pool;

  @BeforeAll
  static void startPool() {
    pool = Pool.create(2, PoolOptions.builder().name("bytes-test").build());
  }

  @AfterAll
  static void stopPool() {
    if (pool != null) {
      pool.close();
    }
  }

  private static byte[] element(int i) {
    byte[] b = new byte[(i * 7919) % 70_000];
    for (int j = 0; j < b.length; j++) {
      b[j] = (byte) (i + j);
    }
    return b;
  }

  private static byte[] reversed(byte[] b) {
    byte[] out = new byte[b.length];
    for (int j = 0; j < b.length; j++) {
      out[j] = b[b.length - 1 - j];
    }
    return out;
  }

  @Test
  void map_byteArrayElementsAndResultsAtGranularities1And3_sameResultsInOrder() {
    for (int granularity : new int[] {1, 3}) {
      List<Optional<byte[]>> results = IterStream.map(pool, ByteElementsTest::reversed,
          IntStream.range(0, 60).mapToObj(ByteElementsTest::element),
          IterOptions.builder().granularity(granularity).ordered(true).build()).collect(Collectors.toList());
      assertThat(results).hasSize(60);
      for (int i = 0; i < 60; i++) {
        assertThat(results.get(i)).as("element %d at granularity %d", i, granularity).get()
            .isEqualTo(reversed(element(i)));
      }
    }
  }

  @Test
  void map_byteArrayElementThatFailsOrGivesAnotherType_onlyThatElementAffected() {
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Optional<Object>> results = IterStream.map(pool, (byte[] b) -> {
      if (b.length == 3) {
        throw new IllegalStateException("three");
      }
      return b.length == 2 ? (Object) "two" : (Object) b.length;
    }, List.of(new byte[1], new byte[2], new byte[3], new byte[4]).stream(),
        IterOptions.builder().granularity(1).ordered(true).errorLog(errors::add).build()).collect(Collectors.toList());

    assertThat(results).containsExactly(Optional.of(1), Optional.of("two"), Optional.empty(), Optional.of(4));
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("#2").contains("IllegalStateException: three");
  }

  @Test
  void iterStream_fullModeByteArrayElements_resultsAsSent() {
    List<Integer> sums = new CopyOnWriteArrayList<>();
    FullFunction<Integer, Integer, Integer, byte[], byte[]> f = (serv, env, b) -> {
      byte[] out = b.clone();
      out[0] += (byte) (env + serv.request(1));
      return out;
    };
    IterStream.iterStream(IterOptions.builder().granularity(1).build(), 2,
        (Integer q) -> CompletableFuture.completedFuture(q), 10, f, r -> sums.add((int) r.orElseThrow()[0]),
        IntStream.range(0, 20).mapToObj(i -> new byte[] {(byte) i, 0}));
    assertThat(sums).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).map(i -> i + 11).boxed()
        .collect(Collectors.toList()));
  }
}
