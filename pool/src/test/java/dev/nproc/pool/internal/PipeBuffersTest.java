package dev.nproc.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The workers' pipes are enlarged on Linux once a large value crosses them, not before, and
 * large values still cross whole.
 */
class PipeBuffersTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int DEFAULT_PIPE = 64 * 1024;

  private static long pid(Object ignored) {
    return ProcessHandle.current().pid();
  }

  private static int sum(byte[] bytes) {
    int s = 0;
    for (byte b : bytes) {
      s += b;
    }
    return s;
  }

  /** Runs tasks until both workers of {@code pool} have run one, and returns their pids. */
  private static Set<Long> bothPids(Pool pool, Object argument) throws Exception {
    Set<Long> pids = new HashSet<>();
    for (int round = 0; round < 50 && pids.size() < 2; round++) {
      CompletableFuture<Long> first = pool.call(PipeBuffersTest::pid, argument);
      CompletableFuture<Long> second = pool.call(PipeBuffersTest::pid, argument);
      pids.add(first.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      pids.add(second.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }
    assertThat(pids).as("the two workers' pids").hasSize(2);
    return pids;
  }

  @Test
  void pipesKeepTheirSizeForSmallValues_andAreEnlargedOnceALargeOneCrosses() throws Exception {
    assumeTrue(System.getProperty("os.name").equals("Linux"), "pipe sizes are set on Linux only");
    assumeTrue(System.getProperty(PipeBuffers.SIZE_PROPERTY) == null, "the default size is what this test checks");
    try (Pool pool = Pool.create(2, PoolOptions.builder().name("pipes").build())) {
      for (long pid : bothPids(pool, 1)) {
        assertThat(PipeBuffers.sizeOf(pid, 0)).as("stdin pipe of worker %d, small tasks only", pid).isEqualTo(DEFAULT_PIPE);
        assertThat(PipeBuffers.sizeOf(pid, 1)).as("stdout pipe of worker %d, small tasks only", pid).isEqualTo(DEFAULT_PIPE);
      }
      byte[] big = new byte[3 * PipeBuffers.DEFAULT_BYTES + 17];
      Arrays.fill(big, (byte) 1);
      for (long pid : bothPids(pool, big)) {
        assertThat(PipeBuffers.sizeOf(pid, 0)).as("stdin pipe of worker %d", pid).isEqualTo(PipeBuffers.DEFAULT_BYTES);
        assertThat(PipeBuffers.sizeOf(pid, 1)).as("stdout pipe of worker %d", pid).isEqualTo(PipeBuffers.DEFAULT_BYTES);
      }
      assertThat(pool.call(PipeBuffersTest::sum, big)).succeedsWithin(WAIT).isEqualTo(big.length);
    }
  }

  @Test
  void aSlotPastTheLimitIsLeftAsItIs() {
    assertThat(PipeBuffers.enlarge(PipeBuffers.MAX_WORKERS, ProcessHandle.current().pid())).isZero();
  }
}
