package dev.nproc.pool.internal;

import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.wire.Cancel;
import dev.nproc.core.internal.wire.Revoke;
import dev.nproc.core.internal.wire.Task;
import java.time.Duration;

/**
 * What the engine does for its {@link Dispatcher}: frames on the workers' links, and each task's
 * clock. Called under the engine's lock (by the dispatcher); nothing here blocks: a send is a
 * queue add, a clock a timer.
 */
final class DispatchActions implements Dispatcher.Port {
  private static final byte[] NO_BYTES = new byte[0];
  private final PoolEngine engine;

  DispatchActions(PoolEngine engine) {
    this.engine = engine;
  }

  @Override
  public void send(int slot, PendingTask task, boolean withFunction) {
    engine.supervisor.worker(slot).connection.link().send(new Task(task.id, task.function.id(),
        withFunction ? task.function.bytes() : NO_BYTES, task.argument, task.rawArgument));
  }

  @Override
  public void revoke(int slot, long taskId) {
    engine.supervisor.worker(slot).connection.link().send(new Revoke(taskId));
  }

  @Override
  public void cancel(int slot, PendingTask task, boolean running) {
    engine.supervisor.worker(slot).connection.link().send(new Cancel(task.id));
    if (running) {
      startCancelGrace(slot, task);
    }
  }

  /**
   * A cancelled task that runs has {@code cancelGrace} to stop after its thread is interrupted;
   * then its worker is killed (and replaced), as for {@code taskTimeout}.
   */
  private void startCancelGrace(int slot, PendingTask task) {
    Duration grace = engine.config.cancelGrace();
    task.stopClock();
    task.timeout = engine.supervisor.after(grace, () -> {
      LiveWorker worker = engine.supervisor.worker(slot);
      if (engine.dispatcher.runs(slot, task.id) && worker.killReason == null) {
        worker.stoppedForCancel = true;
        engine.dispatcher.condemn(slot);
        engine.supervisor.kill(slot, "task " + task.id + " was cancelled and did not stop within cancelGrace ("
            + grace + ")");
      }
    });
  }

  @Override
  public void started(int slot, PendingTask task) {
    if (task.cancelled) { // cancelled while it waited behind another: it may start before the cancel arrives
      startCancelGrace(slot, task);
      return;
    }
    Duration timeout = engine.config.taskTimeout();
    if (timeout != null) {
      task.stopClock(); // a task revoked after it reached the head, sent back: its old clock is void
      task.timeout = engine.supervisor.after(timeout, () -> {
        LiveWorker worker = engine.supervisor.worker(slot);
        if (engine.dispatcher.runs(slot, task.id) && worker.killKind == null) {
          worker.killKind = TaskFailedException.Kind.TIMED_OUT;
          engine.dispatcher.condemn(slot);
          engine.supervisor.kill(slot, "task " + task.id + " ran longer than taskTimeout (" + timeout + ")");
        }
      });
    }
  }

  @Override
  public void dropped(PendingTask task) {
    engine.counts.cancelled++; // cancelled by its caller while it waited
  }

  @Override
  public void drained(int slot) {
    engine.supervisor.recycle(slot);
  }
}
