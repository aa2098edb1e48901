package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** How iterStream stops early: a failing input, an interrupt; and results that cannot travel. */
class IterStreamStopTest {
  private static void awaitGone(Set<Long> pids) {
    assertThat(pids).isNotEmpty();
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> pids.stream()
        .allMatch(pid -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)));
  }

  @Test
  void iterStream_inputThrows_exceptionPropagatesAndWorkersGone() {
    Set<Long> pids = ConcurrentHashMap.newKeySet();
    AtomicBoolean closed = new AtomicBoolean();
    // Beyond the first window (2 workers), so that some results reach g before the input breaks.
    int breakAt = IterStream.WINDOW_PER_WORKER * 2 + 30;
    Stream<Integer> input = IntStream.range(0, breakAt + 100).boxed().map(x -> {
      if (x == breakAt) {
        throw new IllegalStateException("input broke at " + breakAt);
      }
      return x;
    }).onClose(() -> closed.set(true));

    assertThatThrownBy(() -> IterStream.iterStream(2, (Integer x) -> ProcessHandle.current().pid(),
        r -> pids.add(r.orElseThrow()), input)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("input broke at " + breakAt);
    assertThat(closed).isTrue();
    awaitGone(pids);
  }

  @Test
  void iterStream_callerInterrupted_cancelledAndWorkersGone() {
    Set<Long> pids = ConcurrentHashMap.newKeySet();
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      try {
        IterStream.iterStream(2, (Integer x) -> {
          Thread.sleep(100);
          return ProcessHandle.current().pid();
        }, r -> pids.add(r.orElseThrow()), Stream.iterate(0, i -> i + 1));
        outcome.complete(null);
      } catch (Throwable t) {
        outcome.complete(t);
      }
    }, "iterStream-caller");
    caller.start();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> pids.size() == 2);
    caller.interrupt();

    assertThat(outcome).succeedsWithin(Duration.ofSeconds(20)).isInstanceOf(CancellationException.class);
    awaitGone(pids);
  }

  @Test
  void iterStream_resultNotSerializable_onlyThatElementEmpty() {
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Optional<Object>> results = new CopyOnWriteArrayList<>();
    IterStream.iterStream(IterOptions.builder().granularity(5).ordered(true).errorLog(errors::add).build(), 2,
        (Integer x) -> x == 3 ? new Object() : (Object) x, results::add, IntStream.range(0, 10).boxed());

    assertThat(results.stream().map(r -> r.orElse(-1)).collect(Collectors.toList()))
        .containsExactly(0, 1, 2, -1, 4, 5, 6, 7, 8, 9);
    assertThat(errors).singleElement().asString().contains("#3").contains("java.lang.Object");
  }
}
