package dev.nproc.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void submit_square_returnsIt() {
    long t0 = System.nanoTime();
    try (Pool pool = Pool.create(2)) {
      System.err.println("create took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      assertThat(pool.<Integer, Integer>submit(x -> x * x, 7)).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(Optional.of(49));
    }
  }
}
