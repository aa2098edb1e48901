package dev.nproc.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallbackRunnerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final CallbackRunner runner = new CallbackRunner("test", timer, (message, e) -> errors.add(e));

  @AfterEach
  void shutDown() {
    runner.shutdown();
    timer.shutdownNow();
  }

  @Test
  void runAll_itemWaitsForALaterItemOfItsBatch_bothRun() {
    CompletableFuture<String> last = new CompletableFuture<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    List<Runnable> batch = new ArrayList<>();
    batch.add(() -> first.complete("first saw " + last.join())); // blocks until the item after it has run
    for (int i = 0; i < 5; i++) {
      batch.add(() -> { });
    }
    batch.add(() -> last.complete("last"));
    runner.runAll(batch);
    assertThat(first).succeedsWithin(WAIT).isEqualTo("first saw last");
  }

  @Test
  void runAll_severalItemsBlockOnTheLast_everyOneRunsOnce() {
    int n = 20;
    CompletableFuture<Void> release = new CompletableFuture<>();
    ConcurrentHashMap<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    List<Runnable> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int item = i;
      batch.add(() -> {
        runs.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
        if (item == n - 1) {
          release.complete(null);
        } else if (item % 4 == 0) {
          release.join(); // five items block until the last has run
        }
      });
    }
    runner.runAll(batch);
    assertThat(release).succeedsWithin(WAIT);
    CompletableFuture<Void> allRan = CompletableFuture.runAsync(() -> {
      while (runs.size() < n) {
        Thread.onSpinWait();
      }
    });
    assertThat(allRan).succeedsWithin(WAIT);
    assertThat(runs.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
  }

  @Test
  void runAll_itemThrows_theOthersStillRunAndTheFailureIsLogged() {
    CompletableFuture<Void> after = new CompletableFuture<>();
    runner.runAll(List.of(() -> {
      throw new IllegalStateException("boom");
    }, () -> after.complete(null)));
    assertThat(after).succeedsWithin(WAIT);
    assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessage("boom"));
  }

  @Test
  void runAll_afterShutdownWithABlockedItem_theRestStillRuns() {
    runner.shutdown();
    timer.shutdownNow();
    CompletableFuture<Void> last = new CompletableFuture<>();
    CompletableFuture<Void> first = new CompletableFuture<>();
    runner.runAll(List.of(() -> first.complete(last.join()), () -> last.complete(null)));
    assertThat(first).succeedsWithin(WAIT);
  }
}
