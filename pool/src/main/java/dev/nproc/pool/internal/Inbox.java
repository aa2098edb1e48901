package dev.nproc.pool.internal;

import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.wire.Failure;
import dev.nproc.core.internal.wire.Hello;
import dev.nproc.core.internal.wire.MasterBound;
import dev.nproc.core.internal.wire.MasterInbox;
import dev.nproc.core.internal.wire.ProtocolException;
import dev.nproc.core.internal.wire.Ready;
import dev.nproc.core.internal.wire.Result;
import dev.nproc.core.internal.wire.Revoked;
import dev.nproc.core.internal.wire.ServiceRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the engine does with each message of one worker, and that worker's reader thread
 * ({@link #run}). The reader hands each batch to the engine ({@link #take}), which delivers the batch's messages here under its lock, so each
 * method below runs under the lock and only records: the tasks a batch finishes are taken out of
 * the dispatcher at once, and their futures are completed afterwards by one hand-off of the whole
 * batch to the callback threads ({@link #flushOutcomes}).
 *
 * <p>Used by the worker's reader thread only (under the engine's lock).
 */
final class Inbox implements MasterInbox, Runnable {
  private final PoolEngine engine;
  private final LiveWorker worker;
  private final String name;
  private final List<Runnable> outcomes = new ArrayList<>();

  Inbox(PoolEngine engine, LiveWorker worker) {
    this.engine = engine;
    this.worker = worker;
    this.name = worker.toString();
  }

  /**
   * How long after its process is gone a worker's output may still be read before its end is
   * reported anyway (its output is held open by a process it started).
   */
  static final long DRAIN_MILLIS = 2_000;

  /** Whether the worker's end was reported: by its reader at the end of its output, or after its exit. */
  private final AtomicBoolean ended = new AtomicBoolean();

  /**
   * The worker's reader thread: hands each batch to the engine, then reports the worker's end.
   * The worker's exit is watched too ({@link WorkerConnection#onExit}): if its output has not
   * ended {@link #DRAIN_MILLIS} after it is gone, its end is reported from there, and this thread,
   * still blocked on a pipe that another process holds, will report nothing when it returns.
   */
  @Override
  public void run() {
    WorkerConnection connection = worker.connection;
    connection.onExit(() -> engine.afterDelay(DRAIN_MILLIS, () -> end(null)));
    String cause = null;
    try {
      connection.link().receive(this::take);
    } catch (ProtocolException e) {
      cause = e.getMessage();
      connection.kill();
    } catch (IOException e) {
      cause = "reading its output failed: " + e;
      connection.kill();
    } catch (RuntimeException | Error e) {
      cause = "nproc failed handling its messages: " + e;
      engine.logError(name + ": " + cause, e);
      connection.kill();
    }
    end(cause);
  }

  /** Reports the worker's end, once, whichever of its reader and its exit watch comes first. */
  private void end(String cause) {
    if (ended.compareAndSet(false, true)) {
      reportEnd(worker.connection.awaitExit(cause == null && worker.answered), cause);
    }
  }

  /** The worker is gone: what it held, its slot, the reports; once. */
  private void reportEnd(WorkerConnection.Exit exit, String cause) {
    engine.runLocked(() -> {
      worker.gone = true;
      Dispatcher.Loss loss = engine.supervisor.worker(worker.slot) == worker
          ? engine.dispatcher.lost(worker.slot) : new Dispatcher.Loss(null, 0);
      boolean expected = worker.toldToExit && exit.code() == 0 && loss.running() == null && cause == null;
      String description = Deaths.describe(worker, worker.killReason, worker.initFailure, exit.code(), cause,
          exit.lastOutput());
      boolean fromOutside = worker.killReason == null && Deaths.killedFromOutside(exit.code());
      engine.supervisor.exited(worker.slot, worker, fromOutside, description, expected);
      boolean reported = !expected && !engine.terminated() && !worker.stoppedForCancel;
      if (reported) {
        engine.report(() -> engine.hooks.error("pool " + engine.config.name() + ": " + description));
      } else if (worker.stoppedForCancel) {
        engine.report(() -> engine.hooks.info("pool " + engine.config.name() + ": " + description));
      }
      PendingTask running = loss.running();
      if (running != null && running.cancelled) {
        running.stopClock(); // counted when it was cancelled; its future is done
      } else if (running != null) {
        running.stopClock();
        engine.counts.failed++;
        TaskFailedException.Kind kind = worker.killKind != null ? worker.killKind : TaskFailedException.Kind.WORKER_DIED;
        String message = "task " + running.id + (kind == TaskFailedException.Kind.TIMED_OUT ? " timed out: " : " failed: ")
            + description;
        TaskFailedException failure = new TaskFailedException(kind, message, null, null, null, null);
        engine.later(() -> engine.callbacks.run(() -> {
          engine.outcomes.fail(running, failure);
          engine.recount(running, false, false);
        }));
      }
      if (reported) {
        WorkerDeath report = new WorkerDeath(worker.info(), exit.code(), Deaths.signalName(exit.code()), description,
            exit.lastOutput());
        engine.report(() -> engine.hooks.workerFailed(report));
      }
      if (worker.generation == 0) { // does nothing if it was ready
        engine.later(() -> engine.firstStarts.get(worker.slot).completeExceptionally(new IllegalStateException(description)));
      }
    });
  }

  /** @return whether the worker's end was reported; under the engine's lock */
  boolean gone() {
    return worker.gone;
  }

  /** Hands a batch to the engine, which delivers its messages here under its lock. */
  void take(List<MasterBound> batch) {
    engine.handleBatch(this, batch);
  }

  /** Hands the outcomes recorded so far to the callback threads, as one batch. */
  void flushOutcomes() {
    if (!outcomes.isEmpty()) {
      List<Runnable> batch = List.copyOf(outcomes);
      outcomes.clear();
      CallbackRunner callbacks = engine.callbacks;
      engine.later(() -> callbacks.runAll(batch));
    }
  }

  @Override
  public void hello(Hello hello) {
    if (worker.greeted) {
      throw new ProtocolException("the worker said HELLO twice");
    }
    hello.check();
    worker.greeted = true;
  }

  @Override
  public void ready(Ready ready) {
    greeted(ready);
    if (engine.supervisor.ready(worker.slot, worker)) {
      engine.dispatcher.open(worker.slot);
    }
    if (worker.generation == 0) {
      CompletableFuture<Void> start = engine.firstStarts.get(worker.slot);
      engine.later(() -> start.complete(null));
    }
  }

  @Override
  public void result(Result result) {
    greeted(result);
    PendingTask task = answered(result.taskId(), true);
    if (task == null) {
      return; // cancelled: dropped
    }
    Outcomes o = engine.outcomes;
    outcomes.add(() -> {
      engine.recount(task, true, !o.succeed(task, result, name));
    });
  }

  @Override
  public void failure(Failure failure) {
    greeted(failure);
    if (failure.taskId() == Failure.INIT_TASK_ID) {
      worker.initFailure = failure.className() + (failure.message() == null ? "" : ": " + failure.message())
          + "\n" + failure.stackTrace();
      return;
    }
    PendingTask task = answered(failure.taskId(), false);
    if (task == null) {
      return; // cancelled: dropped
    }
    Outcomes o = engine.outcomes;
    outcomes.add(() -> {
      o.fail(task, failure, name);
      engine.recount(task, false, false);
    });
  }

  @Override
  public void serviceRequest(ServiceRequest request) {
    greeted(request);
    ServiceBridge service = engine.service;
    CallbackRunner callbacks = engine.callbacks;
    engine.later(() -> callbacks.run(() -> service.serve(request, worker.connection.link())));
  }

  @Override
  public void revoked(Revoked revoked) {
    greeted(revoked);
    engine.dispatcher.revoked(worker.slot, revoked.taskId()).stopClock();
  }

  /**
   * Takes an answered task out of the dispatcher and counts it.
   *
   * @return the task, or {@code null} if it was cancelled: its outcome is dropped
   */
  private PendingTask answered(long taskId, boolean succeeded) {
    PendingTask task = engine.dispatcher.finished(worker.slot, taskId);
    task.stopClock();
    worker.answered = true;
    if (task.cancelled) {
      return null;
    }
    if (succeeded) {
      engine.counts.completed++;
    } else {
      engine.counts.failed++;
    }
    return task;
  }

  private void greeted(MasterBound message) {
    if (!worker.greeted) {
      throw new ProtocolException("expected HELLO first, got " + message.kind());
    }
  }
}
