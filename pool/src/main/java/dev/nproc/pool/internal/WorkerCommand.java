package dev.nproc.pool.internal;

import dev.nproc.core.internal.JvmFlags;
import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.internal.worker.WorkerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a worker JVM: the worker's {@code java}, the flags nproc needs for that
 * JDK's version, {@code -XX:+ExitOnOutOfMemoryError} (a worker out of memory dies at once
 * instead of limping on), VM output sent to stderr, the user's JVM arguments, the classpath and
 * the worker's main class.
 *
 * <p>Immutable and thread-safe.
 */
final class WorkerCommand {
  private final List<String> command;

  WorkerCommand(PoolOptions options) {
    Path javaHome = options.javaHome() != null ? options.javaHome() : Path.of(System.getProperty("java.home"));
    Path java = javaHome.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
    if (!Files.isExecutable(java)) {
      throw new IllegalArgumentException("PoolOptions.javaHome: no java executable at " + java);
    }
    int feature = options.javaHome() == null
        ? Runtime.version().feature()
        : JvmFlags.featureOf(javaHome).orElseThrow(() -> new IllegalArgumentException(
            "PoolOptions.javaHome: cannot tell the Java version of " + javaHome + " (no readable 'release' file)"));
    if (feature < 17) {
      throw new IllegalArgumentException("PoolOptions.javaHome: " + javaHome + " is Java " + feature
          + "; workers need Java 17 or later");
    }
    String classpath = options.classpath() != null ? options.classpath() : System.getProperty("java.class.path");
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.addAll(JvmFlags.flagsFor(feature));
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    // The real stdout carries frames: the VM's own messages (such as ExitOnOutOfMemoryError's
    // "Terminating due to ...") and its log warnings must go to stderr instead. -Xlog:disable
    // first: it removes the default stdout output, which a new stderr output would not.
    cmd.add("-XX:+DisplayVMOutputToStderr");
    cmd.add("-Xlog:disable");
    cmd.add("-Xlog:all=warning:stderr:uptime,level,tags");
    cmd.addAll(options.jvmArgs());
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(WorkerMain.class.getName());
    cmd.add(options.codec().getClass().getName());
    cmd.add(Integer.toString(options.maxMessageSize()));
    this.command = List.copyOf(cmd);
  }

  List<String> command() {
    return command;
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
  }
}
