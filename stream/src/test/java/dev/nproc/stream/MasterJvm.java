package dev.nproc.stream;

import dev.nproc.core.JvmOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A master program run in a JVM of its own (this JVM's java, nproc's flags, this classpath), for
 * the tests that need a small heap: it waits for the program to end and returns what it printed.
 */
final class MasterJvm {
  /** What the program printed (standard output and error together) and how it ended. */
  record Run(boolean exited, int exitCode, String output) {}

  private MasterJvm() {}

  /**
   * Runs {@code main} with a heap of {@code heap} (such as {@code "48m"}) and waits at most {@code limit}.
   *
   * @param main the program's class, on this JVM's classpath
   * @param heap the value of {@code -Xmx}
   * @param limit how long it may take; past it the process is killed and {@code exited} is false
   * @param args the program's arguments
   * @return how it ended
   * @throws Exception if it cannot be started or its output read
   */
  static Run run(Class<?> main, String heap, Duration limit, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.addAll(JvmOptions.forRunningJdk());
    command.add("-Xmx" + heap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      boolean exited = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        p.destroyForcibly();
      }
      return new Run(exited, exited ? p.exitValue() : -1, output.get(10, TimeUnit.SECONDS));
    } finally {
      p.destroyForcibly();
      p.onExit().get(10, TimeUnit.SECONDS);
    }
  }
}
