package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs {@link LowMemoryMain} in its own JVM with a 48 MB heap. */
class LowMemoryTest {
  @Test
  void iterStream_millionsOfElementsInSmallHeap_completesWithRightCount() throws Exception {
    long n = 3_000_000;
    MasterJvm.Run run = MasterJvm.run(LowMemoryMain.class, "48m", Duration.ofSeconds(100), Long.toString(n));
    assertThat(run.exited()).as("the master exits in time").isTrue();
    assertThat(run.exitCode()).as("exit code; output:\n%s", run.output()).isZero();
    long expectedSum = n * (n + 1) / 2;
    assertThat(run.output()).contains("COUNT=" + n + " SUM=" + expectedSum);
  }
}
