package dev.nproc.pool;

import static dev.nproc.pool.testing.Workers.javaCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.internal.JvmFlags;
import dev.nproc.pool.testing.FloodMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens at the pool's bounds: submit waits for room, and the master's heap stays bounded under a flood. */
class BackpressureTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void submit_atMaxPendingTasks_waitsUntilATaskFinishesAndTerminateReleasesWaiters() throws Exception {
    Path release = dir.resolve("release");
    String marker = release.toString();
    Pool pool = Pool.create(1, PoolOptions.builder().name("bounded").maxPendingTasks(2).build());
    try {
      CompletableFuture<Integer> blocker = pool.call(x -> {
        while (!Files.exists(Path.of(marker))) {
          Thread.sleep(10);
        }
        return x;
      }, 1);
      CompletableFuture<Integer> second = pool.call(x -> x, 2);
      CompletableFuture<CompletableFuture<Integer>> third = CompletableFuture.supplyAsync(() -> pool.call(x -> x, 3));

      await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !third.isDone());
      assertThat(pool.stats().queued() + pool.stats().inFlight()).isEqualTo(2);

      Files.writeString(release, "go");
      assertThat(third).succeedsWithin(WAIT);
      assertThat(third.get()).succeedsWithin(WAIT).isEqualTo(3);
      assertThat(blocker).isCompletedWithValue(1);
      assertThat(second).succeedsWithin(WAIT).isEqualTo(2);

      Files.delete(release);
      pool.call(x -> {
        while (!Files.exists(Path.of(marker))) {
          Thread.sleep(10);
        }
        return x;
      }, 4);
      pool.call(x -> x, 5);
      CompletableFuture<CompletableFuture<Integer>> waiting = CompletableFuture.supplyAsync(() -> pool.call(x -> x, 6));
      await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !waiting.isDone());
      pool.terminate();
      assertThat(waiting).failsWithin(WAIT).withThrowableOfType(Exception.class)
          .withCauseInstanceOf(RejectedExecutionException.class);
    } finally {
      pool.terminate();
    }
  }

  @Test
  void flood_thousandsOfOneMebibyteArgumentsInA128MegabyteMaster_allRunNoOutOfMemory() throws Exception {
    List<String> flags = new ArrayList<>(JvmFlags.flagsFor(Runtime.version().feature()));
    flags.add("-Xmx128m");
    Process master = new ProcessBuilder(javaCommand(flags, FloodMain.class, "2000"))
        .redirectErrorStream(true).start();
    String output;
    try {
      output = readAll(master);
      assertThat(master.waitFor(120, TimeUnit.SECONDS)).as("the flood finished").isTrue();
    } finally {
      master.destroyForcibly();
    }
    assertThat(output).doesNotContain("OutOfMemoryError").contains("DONE 2000 " + 2000L * (1 << 20));
    assertThat(master.exitValue()).isZero();
  }

  private static String readAll(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
