package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs {@link LargeElementsMain} in its own JVM with a 96 MB heap: 1 MiB elements and results, bounded in bytes. */
class LargeElementsTest {
  @Test
  void iterStream_oneMibElementsInA96MbHeap_completesWithoutOutOfMemory() throws Exception {
    int n = 300;
    MasterJvm.Run run = MasterJvm.run(LargeElementsMain.class, "96m", Duration.ofSeconds(120), Integer.toString(n));
    assertThat(run.exited()).as("the master exits in time").isTrue();
    assertThat(run.output()).doesNotContain("OutOfMemoryError");
    assertThat(run.exitCode()).as("exit code; output:\n%s", run.output()).isZero();
    assertThat(run.output()).contains("COUNT=" + n + " RIGHT=" + n);
  }
}
