package dev.nproc.cluster;

import dev.nproc.core.SerializableFunction;

/**
 * Task classes that exist only in the test classes: the nodes are started without them, so their
 * workers can run them only if the master's classpath was shipped.
 */
final class ShippedTasks {
  private ShippedTasks() {}

  /** Where a task ran: the worker's pid and its parent's (the node JVM). */
  record Where(long workerPid, long nodePid, int value) {}

  /** Sleeps {@code millis}, then says where it ran. */
  static final class WhereAmI implements SerializableFunction<Integer, Where> {
    private final long millis;

    WhereAmI(long millis) {
      this.millis = millis;
    }

    @Override
    public Where apply(Integer x) throws Exception {
      Thread.sleep(millis);
      ProcessHandle self = ProcessHandle.current();
      return new Where(self.pid(), self.parent().map(ProcessHandle::pid).orElse(-1L), x * 2);
    }
  }

  /** Throws, to see a remote failure come back. */
  static final class Fails implements SerializableFunction<String, String> {
    @Override
    public String apply(String s) {
      throw new IllegalStateException("boom: " + s);
    }
  }
}
