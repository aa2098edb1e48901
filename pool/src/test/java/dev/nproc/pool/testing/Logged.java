package dev.nproc.pool.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A pool's error log kept for a test to look at, instead of printed: tests that provoke errors
 * pass one as {@code PoolOptions.errorLog} and wait for the line they expect. Thread-safe.
 */
public final class Logged implements Consumer<String> {
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

  @Override
  public void accept(String line) {
    lines.add(line);
  }

  /** The lines so far. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /**
   * Waits (at most 30 s: logs come on a callback thread, after the futures complete) until a line
   * holds every one of the fragments.
   */
  public void awaitLine(String... fragments) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lines)
        .anySatisfy(line -> assertThat(line).contains(fragments)));
  }
}
