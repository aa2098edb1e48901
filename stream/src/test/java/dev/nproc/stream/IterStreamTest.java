package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.core.FullFunction;
import dev.nproc.core.SerializableFunction;
import dev.nproc.pool.PoolOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** iterStream with real workers; each test starts its own pool of 2, as iterStream does. */
class IterStreamTest {
  private static IterOptions.Builder quiet(List<String> errors) {
    return IterOptions.builder().errorLog(errors::add);
  }

  @Test
  void iterStream_exceptionInF_exactlyOneEmpty() {
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Optional<Integer>> results = new ArrayList<>();
    IterStream.iterStream(quiet(errors).build(), 2, (Integer x) -> {
      if (x == 50) {
        throw new IllegalStateException("boom at fifty");
      }
      return x * 2;
    }, results::add, IntStream.range(0, 100).boxed());

    assertThat(results).hasSize(100);
    assertThat(results.stream().filter(Optional::isEmpty).count()).isEqualTo(1);
    assertThat(results.stream().flatMap(Optional::stream).sorted().collect(Collectors.toList()))
        .isEqualTo(IntStream.range(0, 100).filter(i -> i != 50).map(i -> i * 2).boxed().collect(Collectors.toList()));
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("#50").contains("IllegalStateException").contains("boom at fifty");
  }

  @Test
  void iterStream_exceptionInG_loggedAndIterationFinishes() {
    List<String> errors = new CopyOnWriteArrayList<>();
    Set<Integer> seen = new HashSet<>();
    AtomicInteger empties = new AtomicInteger();
    IterStream.iterStream(quiet(errors).granularity(3).build(), 2, (Integer x) -> x, r -> {
      if (r.isEmpty()) {
        empties.incrementAndGet();
        return;
      }
      seen.add(r.get());
      if (r.get() % 10 == 0) {
        throw new RuntimeException("g fails on " + r.get());
      }
    }, IntStream.range(0, 100).boxed());

    assertThat(empties).hasValue(0);
    assertThat(seen).hasSize(100);
    assertThat(errors).hasSize(10).allMatch(e -> e.contains("g threw"));
  }

  @Test
  void iterStream_eightSleepsOnTwoWorkers_runInParallel() {
    List<long[]> spans = new ArrayList<>();
    IterStream.iterStream(2, (Integer x) -> {
      long start = System.currentTimeMillis();
      Thread.sleep(300);
      return new long[] {start, System.currentTimeMillis()};
    }, r -> spans.add(r.orElseThrow()), IntStream.range(0, 8).boxed());

    long first = spans.stream().mapToLong(s -> s[0]).min().orElseThrow();
    long last = spans.stream().mapToLong(s -> s[1]).max().orElseThrow();
    long serial = 8 * 300;
    assertThat(last - first).isGreaterThanOrEqualTo(4 * 300 - 50).isLessThan(serial * 3 / 4);
  }

  @Test
  void iterStream_granularityFour_chunkRunsItsElementsSequentially() {
    Map<Integer, long[]> byElement = new HashMap<>();
    IterStream.iterStream(IterOptions.builder().granularity(4).build(), 2, (Integer x) -> {
      long start = System.currentTimeMillis();
      Thread.sleep(200);
      return new long[] {x, start, System.currentTimeMillis(), ProcessHandle.current().pid()};
    }, r -> byElement.put((int) r.orElseThrow()[0], r.get()), IntStream.range(0, 8).boxed());

    assertThat(byElement).hasSize(8);
    for (int chunk = 0; chunk < 2; chunk++) {
      List<long[]> elements = new ArrayList<>();
      for (int i = chunk * 4; i < chunk * 4 + 4; i++) {
        elements.add(byElement.get(i));
      }
      long start = elements.stream().mapToLong(e -> e[1]).min().orElseThrow();
      long end = elements.stream().mapToLong(e -> e[2]).max().orElseThrow();
      assertThat(end - start).as("chunk %d's span", chunk).isGreaterThanOrEqualTo(800);
      assertThat(elements.stream().map(e -> e[3]).distinct().count()).as("workers of chunk %d", chunk).isEqualTo(1);
      for (int i = 1; i < 4; i++) {
        assertThat(elements.get(i)[1]).as("element %d starts after %d ends", i, i - 1)
            .isGreaterThanOrEqualTo(elements.get(i - 1)[2]);
      }
    }
  }

  @Test
  void iterStream_systemExitInF_onlyThatElementLost() {
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Optional<Integer>> results = new ArrayList<>();
    IterStream.iterStream(quiet(errors).poolOptions(PoolOptions.builder().errorLog(e -> { }).build()).build(), 2,
        (Integer x) -> {
          if (x == 7) {
            System.exit(3);
          }
          return x * 2;
        }, results::add, IntStream.range(0, 20).boxed());

    assertThat(results).hasSize(20);
    assertThat(results.stream().filter(Optional::isEmpty).count()).isEqualTo(1);
    assertThat(results.stream().flatMap(Optional::stream).collect(Collectors.toSet()))
        .isEqualTo(IntStream.range(0, 20).filter(i -> i != 7).map(i -> i * 2).boxed().collect(Collectors.toSet()));
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("element #7").contains("WORKER_DIED");
  }

  @Test
  void iterStream_systemExitInFWithGranularity_onlyThatChunkLost() {
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Optional<Integer>> results = new ArrayList<>();
    IterStream.iterStream(quiet(errors).granularity(4).poolOptions(PoolOptions.builder().errorLog(e -> { }).build())
            .build(), 2,
        (Integer x) -> {
          if (x == 5) {
            System.exit(3);
          }
          return x * 2;
        }, results::add, IntStream.range(0, 20).boxed());

    assertThat(results).hasSize(20);
    assertThat(results.stream().filter(Optional::isEmpty).count()).isEqualTo(4);
    assertThat(results.stream().flatMap(Optional::stream).collect(Collectors.toSet()))
        .isEqualTo(IntStream.range(0, 20).filter(i -> i < 4 || i > 7).map(i -> i * 2).boxed()
            .collect(Collectors.toSet()));
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("elements #4 to #7").contains("WORKER_DIED");
  }

  @Test
  void iterStream_ordered_deliversInInputOrder() {
    List<Integer> results = new ArrayList<>();
    IterStream.iterStream(IterOptions.builder().ordered(true).granularity(2).build(), 2, (Integer x) -> {
      Thread.sleep((x * 7) % 5 * 10L);
      return x;
    }, r -> results.add(r.orElseThrow()), IntStream.range(0, 40).boxed());

    assertThat(results).containsExactlyElementsOf(IntStream.range(0, 40).boxed().collect(Collectors.toList()));
  }

  @Test
  void iterStream_slowG_inFlightNeverExceedsBound() {
    int nproc = 2;
    int granularity = 3;
    long bound = (long) IterStream.WINDOW_PER_WORKER * nproc * granularity;
    AtomicLong pulled = new AtomicLong();
    AtomicLong delivered = new AtomicLong();
    AtomicLong maxOutstanding = new AtomicLong();
    List<Boolean> closed = new CopyOnWriteArrayList<>();
    Stream<Integer> input = IntStream.range(0, 200).boxed().peek(x -> pulled.incrementAndGet())
        .onClose(() -> closed.add(true));
    IterStream.iterStream(IterOptions.builder().granularity(granularity).build(), nproc, (Integer x) -> x, r -> {
      maxOutstanding.accumulateAndGet(pulled.get() - delivered.get(), Math::max);
      try {
        Thread.sleep(5); // a slow consumer
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delivered.incrementAndGet();
    }, input);

    assertThat(delivered).hasValue(200);
    assertThat(maxOutstanding.get()).isLessThanOrEqualTo(bound).isGreaterThan(granularity);
    assertThat(closed).containsExactly(true);
  }

  /**
   * A function that counts, in each worker, how many distinct deserialized copies of itself
   * have run: a copy's transient flag is false until it first runs.
   */
  static final class CountingFunction implements SerializableFunction<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger COPIES = new AtomicInteger();
    private transient boolean counted;

    @Override
    public Integer apply(Integer x) {
      if (!counted) {
        counted = true;
        COPIES.incrementAndGet();
      }
      return COPIES.get();
    }
  }

  @Test
  void iterStream_manyChunks_fSentOncePerWorker() {
    List<Integer> copiesSeen = new ArrayList<>();
    IterStream.iterStream(IterOptions.builder().granularity(2).build(), 2, new CountingFunction(),
        r -> copiesSeen.add(r.orElseThrow()), IntStream.range(0, 60).boxed());

    assertThat(copiesSeen).hasSize(60).containsOnly(1); // one copy per worker, not one per chunk (30 chunks)
  }

  @Test
  void iterStream_initOption_runsInEachWorkerBeforeTasks() {
    Set<String> tags = new HashSet<>();
    List<IterProgress> progress = new ArrayList<>();
    IterStream.iterStream(IterOptions.builder().granularity(5).progress(progress::add)
            .init(w -> System.setProperty("test.tag", "worker-" + w.workerId())).build(), 2,
        (Integer x) -> System.getProperty("test.tag"), r -> tags.add(r.orElseThrow()),
        IntStream.range(0, 40).boxed());

    assertThat(tags).isNotEmpty().allMatch(t -> t.startsWith("worker-"));
    assertThat(progress).isNotEmpty();
    IterProgress last = progress.get(progress.size() - 1);
    assertThat(last.done()).isEqualTo(40);
    assertThat(last.failed()).isZero();
    assertThat(last.ratePerSecond()).isPositive();
  }

  @Test
  void iterStream_fullModeWithGranularity_usesEnvAndServ() {
    List<Optional<Integer>> results = new ArrayList<>();
    FullFunction<Integer, Integer, Integer, Integer, Integer> f = (serv, env, x) -> serv.request(x) + env;
    IterStream.iterStream(IterOptions.builder().granularity(4).ordered(true).build(), 2,
        (Integer q) -> CompletableFuture.completedFuture(q * 10), 1000, f, results::add,
        IntStream.range(0, 30).boxed());

    assertThat(results).containsExactlyElementsOf(
        IntStream.range(0, 30).mapToObj(x -> Optional.of(x * 10 + 1000)).collect(Collectors.toList()));
  }
}
