package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.core.internal.JvmFlags;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs {@link LargeElementsMain} in its own JVM with a 96 MB heap: 1 MiB elements and results, bounded in bytes. */
class LargeElementsTest {
  @Test
  void iterStream_oneMibElementsInA96MbHeap_completesWithoutOutOfMemory() throws Exception {
    int n = 300;
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.addAll(JvmFlags.flagsFor(Runtime.version().feature()));
    command.add("-Xmx96m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LargeElementsMain.class.getName());
    command.add(Integer.toString(n));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try {
      boolean exited = p.waitFor(120, TimeUnit.SECONDS);
      assertThat(exited).as("the master exits in time").isTrue();
      String out = output.get(10, TimeUnit.SECONDS);
      assertThat(out).doesNotContain("OutOfMemoryError");
      assertThat(p.exitValue()).as("exit code; output:\n%s", out).isZero();
      assertThat(out).contains("COUNT=" + n + " RIGHT=" + n);
    } finally {
      p.destroyForcibly();
      p.onExit().get(10, TimeUnit.SECONDS);
    }
  }
}
