package dev.nproc.pool.internal;

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

  /** The worker's reader thread: hands each batch to the engine, then reports the worker's end. */
  @Override
  public void run() {
    String cause = null;
    WorkerConnection connection = worker.connection;
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
    engine.exited(worker, connection.awaitExit(cause == null && worker.answered), cause);
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
      CallbackRunner callbacks = engine.callbacks();
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
    engine.workerReady(worker);
  }

  @Override
  public void result(Result result) {
    greeted(result);
    PendingTask task = engine.taskAnswered(worker, result.taskId(), true);
    worker.answered = true;
    if (task == null) {
      return; // cancelled: dropped
    }
    Outcomes o = engine.outcomes();
    outcomes.add(() -> {
      if (!o.succeed(task, result, name)) {
        engine.resultUndecodable();
      }
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
    PendingTask task = engine.taskAnswered(worker, failure.taskId(), false);
    worker.answered = true;
    if (task == null) {
      return; // cancelled: dropped
    }
    Outcomes o = engine.outcomes();
    outcomes.add(() -> o.fail(task, failure, name));
  }

  @Override
  public void serviceRequest(ServiceRequest request) {
    greeted(request);
    ServiceBridge service = engine.service();
    CallbackRunner callbacks = engine.callbacks();
    engine.later(() -> callbacks.run(() -> service.serve(request, worker.connection.link())));
  }

  @Override
  public void revoked(Revoked revoked) {
    greeted(revoked);
    engine.taskRevoked(worker, revoked.taskId());
  }

  private void greeted(MasterBound message) {
    if (!worker.greeted) {
      throw new ProtocolException("expected HELLO first, got " + message.kind());
    }
  }
}
