package dev.nproc.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.core.JvmOptions;
import dev.nproc.pool.testing.LoaderLauncher;
import dev.nproc.pool.testing.MasterMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Masters whose application is not on {@code java.class.path}: exec:java, application servers, IDE runners. */
class LaunchersTest {
  @Test
  void create_applicationInAUrlClassLoader_workersGetItsClasspathAndRunTasks(@TempDir Path launcherDir) throws Exception {
    // java.class.path holds the launcher alone: one class file in a folder of its own
    String launcherFile = LoaderLauncher.class.getName().replace('.', '/') + ".class";
    Path copy = launcherDir.resolve(launcherFile);
    Files.createDirectories(copy.getParent());
    try (var in = LoaderLauncher.class.getClassLoader().getResourceAsStream(launcherFile)) {
      Files.copy(in, copy);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JvmOptions.forRunningJdk());
    command.addAll(List.of("-cp", launcherDir.toString(), LoaderLauncher.class.getName(),
        System.getProperty("java.class.path"), MasterMain.class.getName(), "run"));
    Process master = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(master.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(master.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("RESULT " + Runtime.version().feature() + " " + System.getProperty("java.version") + " 42")
        .doesNotContain("Could not find or load main class");
  }

  @Test
  void create_classpathWithoutNproc_failsAtOnceNamingTheClasspathAndTheFix(@TempDir Path empty) {
    long start = System.nanoTime();
    assertThatThrownBy(() -> Pool.create(1, PoolOptions.builder().name("nocp").classpath(empty.toString()).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dev.nproc.pool.internal.worker.WorkerMain")
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("PoolOptions.builder().classpath(");
    // no worker was launched, so no start-up retries with backoff
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
