package dev.nproc.pool.internal;

import dev.nproc.core.internal.JvmFlags;
import dev.nproc.pool.internal.worker.WorkerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a worker JVM: the worker's {@code java}, the flags nproc needs for that
 * JDK's version, {@code -XX:+ExitOnOutOfMemoryError} (a worker out of memory dies at once
 * instead of limping on), VM output sent to stderr, then any flags of the launch (class-data
 * sharing, see {@link ClassDataArchive}), the user's JVM arguments, the classpath and the
 * worker's main class.
 *
 * <p>Immutable and thread-safe.
 */
final class WorkerCommand {
  private final Path javaHome;
  private final int feature;
  private final String java;
  private final List<String> nprocFlags;
  private final List<String> userFlags;
  private final String classpath;
  private final List<String> main;

  WorkerCommand(EngineConfig options) {
    javaHome = options.javaHome() != null ? options.javaHome() : Path.of(System.getProperty("java.home"));
    Path javaPath = javaHome.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
    if (!Files.isExecutable(javaPath)) {
      throw new IllegalArgumentException("PoolOptions.javaHome: no java executable at " + javaPath);
    }
    java = javaPath.toString();
    feature = options.javaHome() == null
        ? Runtime.version().feature()
        : JvmFlags.featureOf(javaHome).orElseThrow(() -> new IllegalArgumentException(
            "PoolOptions.javaHome: cannot tell the Java version of " + javaHome + " (no readable 'release' file)"));
    if (feature < 17) {
      throw new IllegalArgumentException("PoolOptions.javaHome: " + javaHome + " is Java " + feature
          + "; workers need Java 17 or later");
    }
    List<Class<?>> extra = new ArrayList<>();
    extra.add(options.codec().getClass());
    if (options.init() != null) {
      extra.add(options.init().getClass());
    }
    classpath = WorkerClasspath.of(options.classpath(), extra);
    List<String> flags = new ArrayList<>(JvmFlags.flagsFor(feature));
    flags.add("-XX:+ExitOnOutOfMemoryError");
    // The real stdout carries frames: the VM's own messages (such as ExitOnOutOfMemoryError's
    // "Terminating due to ...") and its log warnings must go to stderr instead. -Xlog:disable
    // first: it removes the default stdout output, which a new stderr output would not.
    flags.add("-XX:+DisplayVMOutputToStderr");
    flags.add("-Xlog:disable");
    flags.add("-Xlog:all=warning:stderr:uptime,level,tags");
    nprocFlags = List.copyOf(flags);
    userFlags = List.copyOf(options.jvmArgs());
    main = List.of(WorkerMain.class.getName(), options.codec().getClass().getName(),
        Integer.toString(options.maxMessageSize()));
  }

  private WorkerCommand(WorkerCommand base, String classpath) {
    javaHome = base.javaHome;
    feature = base.feature;
    java = base.java;
    nprocFlags = base.nprocFlags;
    userFlags = base.userFlags;
    this.classpath = classpath;
    main = base.main;
  }

  /**
   * Returns the same command with another classpath (the folders packed into jars, see {@link FolderJars}).
   *
   * @param newClasspath the workers' classpath
   * @return the command
   */
  WorkerCommand withClasspath(String newClasspath) {
    return newClasspath.equals(classpath) ? this : new WorkerCommand(this, newClasspath);
  }

  /** @return the command with no flags of its own for the launch */
  List<String> command() {
    return command(List.of());
  }

  /**
   * Returns the command with a launch's own flags, placed after nproc's and before the user's,
   * so that the user's JVM arguments can still override them.
   *
   * @param launchFlags the launch's flags
   * @return the command
   */
  List<String> command(List<String> launchFlags) {
    List<String> cmd = new ArrayList<>(nprocFlags.size() + launchFlags.size() + userFlags.size() + 6);
    cmd.add(java);
    cmd.addAll(nprocFlags);
    cmd.addAll(launchFlags);
    cmd.addAll(userFlags);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.addAll(main);
    return List.copyOf(cmd);
  }

  /** @return the JDK that runs the workers */
  Path javaHome() {
    return javaHome;
  }

  /** @return the feature release of that JDK */
  int feature() {
    return feature;
  }

  /** @return the JVM flags, nproc's then the user's, without a launch's own */
  List<String> jvmFlags() {
    List<String> flags = new ArrayList<>(nprocFlags);
    flags.addAll(userFlags);
    return flags;
  }

  /** @return the workers' classpath */
  String classpath() {
    return classpath;
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
  }
}
