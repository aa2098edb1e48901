package dev.nproc.pool.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Test helpers that look at real processes. */
public final class Workers {
  private Workers() {}

  /** The pids of this JVM's worker children, found through {@link ProcessHandle}. */
  public static Set<Long> workerPids() {
    return ProcessHandle.current().children()
        .filter(p -> p.info().commandLine().map(c -> c.contains("WorkerMain")).orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  /** Whether a process is alive. */
  public static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Whether a process has exited: gone, or a zombie that has run its last instruction and only
   * waits for its parent (here an orphan's new parent, init) to collect its exit status. An
   * orphan's reaping depends on the machine's init, not on nproc, so tests of "exits within a
   * second" look at this, not at {@link #alive}.
   */
  public static boolean exited(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state == 'Z' || state == 'X';
    } catch (java.io.IOException e) {
      return !alive(pid);
    }
  }

  /** A command line that runs {@code mainClass} in a fresh JVM on this JVM's classpath, with the given JVM flags. */
  public static List<String> javaCommand(List<String> jvmFlags, Class<?> mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }
}
