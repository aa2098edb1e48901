package dev.nproc.cluster.internal;

import dev.nproc.core.TaskFailedException;
import dev.nproc.pool.internal.RemoteTasks;
import dev.nproc.pool.internal.RemoteTasks.RemoteTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * How the master's tasks end: completed with a node's answer, failed {@code NODE_LOST} with the
 * node that held them, or failed {@code NOT_RUN} when no node is left; and the counters of those
 * ends. Every ending is handed to {@link RemoteTasks}' callback threads in one batch, never run
 * on the caller's thread (which may be a Hazelcast thread or hold the engine's lock).
 *
 * <p>Thread-safe.
 */
final class MasterOutcomes {
  private final RemoteTasks tasks;
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();

  MasterOutcomes(RemoteTasks tasks) {
    this.tasks = tasks;
  }

  /** A callback that completes a task with a node's answer, and counts it. */
  Runnable completion(RemoteTask task, Object answer, String where) {
    return () -> (tasks.complete(task, answer, where) ? completed : failed).increment();
  }

  /** A callback that serves a Full mode request; its reply goes to {@code reply}. */
  Runnable serving(PollReply.Request request, Consumer<dev.nproc.core.internal.wire.ServiceReply> reply) {
    return () -> tasks.serve(request.requestId(), request.bytes(), reply);
  }

  /** Runs callbacks on the callback threads. */
  void run(List<Runnable> callbacks) {
    tasks.runAll(callbacks);
  }

  /** Fails the tasks a lost node held. */
  void nodeLost(List<RemoteTask> held, NodeLink node, String why) {
    fail(held, t -> new TaskFailedException(TaskFailedException.Kind.NODE_LOST, "task " + t.id() + " was held by "
        + node + ", which is lost (" + why + "): it may or may not have run, and is not run again",
        null, null, null, null));
  }

  /** Fails tasks that no node can run. */
  void notRun(List<RemoteTask> orphans, String why) {
    fail(orphans, t -> new TaskFailedException(TaskFailedException.Kind.NOT_RUN, "task " + t.id() + " not run: " + why,
        null, null, null, null));
  }

  private void fail(List<RemoteTask> list, java.util.function.Function<RemoteTask, TaskFailedException> why) {
    if (list.isEmpty()) {
      return;
    }
    failed.add(list.size());
    List<Runnable> failures = new ArrayList<>();
    for (RemoteTask t : list) {
      TaskFailedException e = why.apply(t);
      failures.add(() -> tasks.fail(t, e));
    }
    tasks.runAll(failures);
  }

  long completed() {
    return completed.sum();
  }

  long failed() {
    return failed.sum();
  }
}
