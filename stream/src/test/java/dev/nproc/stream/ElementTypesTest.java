package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.core.FullFunction;
import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Elements and results of the types people pass: {@code byte[]}, which travel as they are when a
 * chunk holds one element, with the same results, order and failures as any other element; and
 * records and paths, under the codec's rule of what may travel.
 */
class ElementTypesTest {
  private static Pool pool;

  @BeforeAll
  static void startPool() {
    pool = Pool.create(2, PoolOptions.builder().name("element-types").build());
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
      List<Optional<byte[]>> results = IterStream.map(pool, ElementTypesTest::reversed,
          IntStream.range(0, 60).mapToObj(ElementTypesTest::element),
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

  /** A record without {@code Serializable}: it travels, as an element and as a result. */
  record Named(String name, java.nio.file.Path path) {}

  @Test
  void map_recordAndPathElementsAndResults_travelAndABareObjectFailsOnlyItsElement() {
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Optional<Object>> results = IterStream.map(pool, (Named n) -> n.name().equals("bad") ? new Object()
            : (Object) new Named(n.name().toUpperCase(), n.path().resolve("x")),
        Stream.of(new Named("a", Path.of("/tmp")), new Named("bad", Path.of("/")), new Named("c", Path.of("/c d"))),
        IterOptions.builder().granularity(3).ordered(true).errorLog(errors::add).build()).collect(Collectors.toList());

    assertThat(results).containsExactly(Optional.of(new Named("A", Path.of("/tmp/x"))), Optional.empty(),
        Optional.of(new Named("C", Path.of("/c d/x"))));
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("#1").contains("java.lang.Object is not serializable");
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
