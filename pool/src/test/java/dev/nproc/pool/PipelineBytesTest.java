package dev.nproc.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** PoolOptions.pipelineBytes: what a worker holds is bounded in bytes as well as in tasks. */
class PipelineBytesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void pipelineBytes_outOfRangeOrTwice_rejectedNamingIt() {
    assertThatThrownBy(() -> PoolOptions.builder().pipelineBytes(100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pipelineBytes").hasMessageContaining("100");
    assertThatThrownBy(() -> PoolOptions.builder().pipelineBytes(4096).pipelineBytes(8192))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("pipelineBytes is given twice");
    assertThat(PoolOptions.builder().pipelineBytes(4096).build().toBuilder().build().pipelineBytes()).isEqualTo(4096);
    assertThat(PoolOptions.defaults().pipelineBytes()).isEqualTo(PoolOptions.DEFAULT_PIPELINE_BYTES);
  }

  @Test
  void submit_largeArgumentsBehindABusyWorker_workerHoldsOnlyWhatFitsTheBytes() {
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("pipeline-bytes").pipelineDepth(8)
        .pipelineBytes(64 * 1024).build())) {
      CompletableFuture<Integer> busy = pool.call((Integer ms) -> {
        Thread.sleep(ms);
        return 0;
      }, 1500);
      List<CompletableFuture<Integer>> large = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        large.add(pool.call((byte[] b) -> b.length, new byte[40 * 1024]));
      }
      PoolStats held = pool.stats();
      assertThat(held.inFlight()).as("tasks the worker holds: the busy one and one 40 KiB argument").isEqualTo(2);
      assertThat(held.queued()).isEqualTo(4);
      assertThat(busy).succeedsWithin(WAIT).isEqualTo(0);
      for (CompletableFuture<Integer> f : large) {
        assertThat(f).succeedsWithin(WAIT).isEqualTo(40 * 1024);
      }
    }
  }
}
