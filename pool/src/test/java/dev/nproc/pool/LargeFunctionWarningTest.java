package dev.nproc.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.SerializableFunction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A function over 1 MiB made anew at each submit: it works, and the error log gets one warning pointing to env. */
class LargeFunctionWarningTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static SerializableFunction<Integer, Integer> reading(byte[] table) {
    return x -> table[x] + x;
  }

  @Test
  void submit_newLargeLambdaEachTime_resultsRightAndOneWarningWithItsSize() {
    List<String> errors = new CopyOnWriteArrayList<>();
    byte[] table = new byte[2 << 20];
    table[5] = 10;
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("big-fn").errorLog(errors::add).build())) {
      for (int i = 0; i < 6; i++) {
        assertThat(pool.call(reading(table), 5)).succeedsWithin(WAIT).isEqualTo(15);
      }
      SerializableFunction<Integer, Integer> once = reading(table);
      for (int i = 0; i < 20; i++) {
        assertThat(pool.call(once, 5)).succeedsWithin(WAIT).isEqualTo(15);
      }
      await().atMost(WAIT).until(() -> !errors.isEmpty());
    }
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("big-fn").contains("2.0 MiB").contains("env").contains("once per object");
  }
}
