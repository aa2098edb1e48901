package dev.nproc.pool.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.wire.Init;
import dev.nproc.core.internal.wire.MasterBound;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one mechanism behind the public {@code Pool} and {@code FullPool}: a basic pool is a Full
 * pool with no environment and no service. It wires the parts together under one lock: the
 * {@link Dispatcher} (where each task is), the {@link Supervisor} (each slot's worker), the
 * {@link WorkerLauncher} (how a worker is started and reached), {@link Outcomes} (how answers
 * complete futures) and the {@link ServiceBridge} (Full mode's requests); and it owns the pool's
 * lifecycle.
 *
 * <h2>The path of one task</h2>
 * <pre>
 *  caller thread     submit/call: encode f (once per function object, FunctionRegistry) and arg
 *        |           lock: count it, Dispatcher.submit -> queue -> the least busy ready worker
 *        v           Port.send: a TASK frame on the worker's Link (a queue add: never blocks)
 *  sender thread     StreamLink writes and flushes the frames queued for that worker
 *  worker process    WorkerLoop: main thread sorts frames, task thread runs f(arg), sends RESULT
 *  reader thread     Link.receive: every frame that arrived together, as one batch
 *        |           lock: Inbox (MasterInbox) -> Dispatcher.finished -> dispatch more
 *        v           one hand-off of the batch's outcomes to the CallbackRunner
 *  callback thread   Outcomes: decode the result, complete the future (Delivery: submit's or call's way)
 * </pre>
 *
 * <h2>Concurrency</h2>
 * One lock, {@link #lock}, guards all scheduling state: the lifecycle, the dispatcher, the
 * supervisor, the counters, each {@link LiveWorker}'s fields. It is held only for short,
 * non-blocking steps. Sending a frame is a queue add ({@code StreamLink.toWorker}), so it is done
 * under the lock, which keeps each worker's frames in the order the dispatcher decided. Anything
 * that may block or runs user code (launching and killing processes, the logs, completing
 * futures, the user's hooks, the service function) is added to {@link #afterLock} while the
 * lock is held and run by the same thread right after it releases it ({@link Deferred});
 * futures, hooks ({@link UserHooks}) and the service run on the {@link CallbackRunner}'s threads.
 * A caller of {@code submit} may wait on the lock's monitor for room ({@code maxPendingTasks},
 * {@code maxPendingBytes}); {@link #tryTerminate} wakes it. Cancelling a task's future calls in
 * from the caller's thread. Threads: callers of {@code submit}, {@code cancel},
 * {@code closeAsync}, {@code terminate} and {@code stats}; one reader per worker (which also
 * reports its end, or the timer does when the worker's exit is seen first); the timer, which runs
 * the supervisor's timers and launches; callback threads.
 *
 * <h2>Lifecycle</h2>
 * RUNNING -> CLOSING ({@link #closeAsync}: no new tasks; the submitted ones finish) -> TERMINATED
 * ({@link #terminate}: workers killed, unfinished futures cancelled). {@link #tryTerminate} runs
 * after every step that may end the pool: it fails the queue of a pool whose workers are all
 * gone for good, kills the workers of a closing pool that only hold cancelled tasks, retires the
 * workers of a drained closing pool, and completes {@link #whenClosed} once no worker is alive or
 * coming.
 */
public final class PoolEngine {

  private enum State { RUNNING, CLOSING, TERMINATED }

  final EngineConfig config;
  private final byte[] initBytes;
  private final byte[] envBytes;
  private final WorkerLauncher launcher;
  private final TaskEncoder encoder;
  final UserHooks hooks;
  final Outcomes outcomes;
  final ServiceBridge service;
  private final ScheduledThreadPoolExecutor timer;
  final CallbackRunner callbacks;
  /** Completes when the first generation of each slot is ready, or failed to start. */
  final List<CompletableFuture<Void>> firstStarts = new ArrayList<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  final Object lock = new Object();
  @GuardedBy("lock")
  private State state = State.RUNNING;
  @GuardedBy("lock")
  final Dispatcher dispatcher;
  @GuardedBy("lock")
  final Supervisor<LiveWorker> supervisor;
  /** Its {@code add} and {@code take} under the lock, its {@code run} after. */
  private final Deferred afterLock;
  @GuardedBy("lock")
  private long nextTaskId = 1;
  @GuardedBy("lock")
  final Counters counts = new Counters();
  /** Why the pool can run nothing more (every worker gone for good), or {@code null}. */
  @GuardedBy("lock")
  private String brokenReason;
  @GuardedBy("lock")
  private boolean closing;
  /** Callers of submit waiting for room. */
  @GuardedBy("lock")
  private int waitingForRoom;

  PoolEngine(int nproc, ServiceBridge service, byte[] initBytes, byte[] envBytes, EngineConfig config,
             WorkerLauncher launcher) {
    this.config = config;
    this.initBytes = initBytes;
    this.envBytes = envBytes;
    this.launcher = launcher;
    this.hooks = new UserHooks(config);
    this.encoder = new TaskEncoder(config.codec(), config.maxMessageSize(),
        message -> hooks.error("pool " + config.name() + ": " + message));
    this.outcomes = new Outcomes(config.codec(), hooks);
    this.service = service;
    this.timer = new ScheduledThreadPoolExecutor(1, CallbackRunner.daemonThreads(config.name() + "-timer-"));
    timer.setRemoveOnCancelPolicy(true);
    this.callbacks = new CallbackRunner(config.name(), timer, hooks::error);
    this.afterLock = new Deferred((message, e) -> logError("pool " + config.name() + ": " + message, e));
    for (int i = 0; i < nproc; i++) {
      firstStarts.add(new CompletableFuture<>());
    }
    this.dispatcher = new Dispatcher(nproc, config.pipelineDepth(), config.pipelineBytes(), config.maxTasksPerWorker(),
        new DispatchActions(this));
    this.supervisor = new Supervisor<>(nproc, Scheduler.onThread(timer).around(this::runLocked), new SupervisionActions(this),
        this::needsWorkers, config.respawn(), config.startupTimeout());
  }

  // ---------------------------------------------------------------- workers

  /**
   * Launches the first generation of every slot on this thread.
   *
   * @return for each slot, a future that completes when its first worker is ready, or fails
   */
  List<CompletableFuture<Void>> startWorkers() {
    List<Runnable> launches;
    synchronized (lock) {
      supervisor.startAll();
      launches = afterLock.take();
    }
    afterLock.run(launches);
    return firstStarts;
  }

  /** Launches a worker, outside the lock: the supervisor's {@code launch} action. */
  void launch(int slot, int generation) {
    WorkerConnection connection;
    try {
      connection = launcher.launch(slot, generation);
    } catch (WorkerLauncher.LaunchException e) {
      runLocked(() -> {
        supervisor.launchFailed(slot, generation, e.getMessage());
        report(() -> hooks.error("pool " + config.name() + ": worker " + slot + ": " + e.getMessage()));
        if (generation == 0) {
          later(() -> firstStarts.get(slot).completeExceptionally(new IllegalStateException(e.getMessage())));
        }
      });
      return;
    }
    LiveWorker worker = new LiveWorker(slot, generation, connection);
    runLocked(() -> {
      connection.link().send(new Init(slot, generation, initBytes, envBytes)); // the worker's first frame
      supervisor.launched(slot, generation, worker);
    });
    Thread reader = new Thread(new Inbox(this, worker), config.name() + "-reader-" + slot);
    reader.setDaemon(true);
    reader.start();
  }

  // ---------------------------------------------------------------- submission

  /**
   * Submits a task whose outcome is an {@code Optional}: {@code submit}'s path.
   *
   * @param f a {@code SerializableFunction} or a {@code FullFunction}
   * @param arg the argument
   * @return the future of an {@code Optional}, empty when the task failed (logged)
   */
  public CompletableFuture<Object> submit(Object f, Object arg) {
    return enqueue(f, arg, Delivery.AS_OPTIONAL);
  }

  /**
   * Submits a task whose outcome is the bare result: {@code call}'s path.
   *
   * @param f a {@code SerializableFunction} or a {@code FullFunction}
   * @param arg the argument
   * @return the future of the result, failed with a {@code TaskFailedException} when the task failed
   */
  public CompletableFuture<Object> call(Object f, Object arg) {
    return enqueue(f, arg, Delivery.AS_VALUE);
  }

  private CompletableFuture<Object> enqueue(Object f, Object arg, Delivery delivery) {
    Objects.requireNonNull(f, "f");
    synchronized (lock) {
      if (state != State.RUNNING) {
        throw rejected();
      }
    }
    return enqueue(encoder.encode(f, arg), delivery);
  }

  /**
   * Submits a task encoded elsewhere, whose outcome is the worker's answer still encoded:
   * {@link EncodedPool}'s path.
   *
   * @param encoded the task's encoded parts
   * @return the future of a {@code Result} or a {@code Failure}
   */
  CompletableFuture<Object> submitEncoded(TaskEncoder.Encoded encoded) {
    return enqueue(encoded, Delivery.AS_ENCODED);
  }

  private CompletableFuture<Object> enqueue(TaskEncoder.Encoded encoded, Delivery delivery) {
    PendingTask task;
    List<Runnable> after;
    synchronized (lock) {
      awaitRoom(encoded.argument().length);
      if (state != State.RUNNING) {
        throw rejected();
      }
      task = new PendingTask(nextTaskId++, encoded.function(), encoded.argument(), encoded.rawArgument(), delivery,
          this::cancel);
      counts.submitted++;
      if (brokenReason == null) {
        dispatcher.submit(task);
      } else {
        counts.failed++;
        String reason = brokenReason;
        later(() -> {
          outcomes.fail(task, notRun(task, reason));
          recount(task, false, false);
        });
      }
      after = afterLock.take();
    }
    afterLock.run(after);
    return task.future;
  }

  /**
   * Waits, on the caller's thread, while the pool holds the most tasks or argument bytes it may
   * ({@code maxPendingTasks}, {@code maxPendingBytes}): a producer that floods the pool goes at
   * its pace. {@link #tryTerminate} wakes the waiters after every step.
   */
  @GuardedBy("lock")
  private void awaitRoom(long bytes) {
    while (state == State.RUNNING && brokenReason == null
        && dispatcher.full(bytes, config.maxPendingTasks(), config.maxPendingBytes())) {
      waitingForRoom++;
      try {
        lock.wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RejectedExecutionException("interrupted while waiting for room in pool " + config.name());
      } finally {
        waitingForRoom--;
      }
    }
  }

  /** The caller cancelled a task's future (on the caller's thread, after the future completed). */
  private void cancel(PendingTask task) {
    runLocked(() -> {
      if (dispatcher.cancel(task) != Dispatcher.Cancelled.NOT_HELD) {
        counts.cancelled++;
      }
    });
  }

  /** @return whether the pool was terminated */
  @GuardedBy("lock")
  boolean terminated() {
    return state == State.TERMINATED;
  }

  @GuardedBy("lock")
  private RejectedExecutionException rejected() {
    return new RejectedExecutionException("pool " + config.name() + " is "
        + (state == State.TERMINATED ? "terminated" : "closed") + " and takes no new tasks");
  }

  private static TaskFailedException notRun(PendingTask task, String reason) {
    return new TaskFailedException(TaskFailedException.Kind.NOT_RUN, "task " + task.id + " not run: " + reason,
        null, null, null, null);
  }

  // ---------------------------------------------------------------- a worker's messages and end

  /** Runs one batch of a worker's messages under the lock; the inbox calls back here. */
  void handleBatch(Inbox inbox, List<MasterBound> batch) {
    List<Runnable> after;
    synchronized (lock) {
      if (inbox.gone()) {
        return; // its end was reported after its exit: what its reader still finds is too late
      }
      try {
        for (MasterBound message : batch) {
          message.deliverTo(inbox);
        }
      } finally {
        // Also when a message further on breaks the protocol: the tasks already taken out of the
        // worker must still be completed.
        inbox.flushOutcomes();
        tryTerminate();
        after = afterLock.take();
      }
    }
    afterLock.run(after);
  }

  /**
   * Runs {@code step} under the lock, then {@link #tryTerminate}, then, after the lock, what the
   * step left for later: the shape of every step of the engine (the hot paths, submit and a
   * batch of messages, spell it out).
   */
  void runLocked(Runnable step) {
    List<Runnable> after;
    synchronized (lock) {
      step.run();
      tryTerminate();
      after = afterLock.take();
    }
    afterLock.run(after);
  }


  /**
   * Puts right the count of a task whose outcome was delivered after it was counted: a result
   * that could not be decoded failed; a task whose caller cancelled its future first (once the
   * worker had answered, so the cancel found nothing to stop) counts as cancelled. Called on a
   * callback thread after the delivery.
   *
   * @param task the task
   * @param countedCompleted whether it was counted as completed (else as failed)
   * @param undecodable whether its result could not be decoded
   */
  void recount(PendingTask task, boolean countedCompleted, boolean undecodable) {
    boolean cancelledFirst = task.future.isCancelled();
    if (cancelledFirst || undecodable) {
      synchronized (lock) {
        counts.correct(countedCompleted, cancelledFirst, undecodable);
      }
    }
  }

  // ---------------------------------------------------------------- the parts' actions

  @GuardedBy("lock")
  void later(Runnable action) {
    afterLock.add(action);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Whether tasks still need a worker: always while running; while closing, until the last one is done. */
  @GuardedBy("lock")
  private boolean needsWorkers() {
    return state == State.RUNNING || (state == State.CLOSING && dispatcher.hasWork());
  }

  /**
   * Brings the pool's lifecycle forward after any step: fails the queue when no worker is left
   * to run it, kills the workers of a closing pool that hold only cancelled tasks, retires the
   * workers of a drained closing pool, and completes {@link #whenClosed} once no worker is alive
   * or coming.
   */
  @GuardedBy("lock")
  private void tryTerminate() {
    if (waitingForRoom > 0) {
      lock.notifyAll();
    }
    if (brokenReason == null && needsWorkers() && supervisor.quiescent()) {
      brokenReason = "no worker is left to run it (" + (config.respawn()
          ? "every worker failed to start " + Supervisor.MAX_START_FAILURES + " times in a row"
          : "respawn is off and every worker died") + "); last failure: " + supervisor.lastFailure();
      List<PendingTask> orphans = dispatcher.drainQueue();
      counts.failed += orphans.size();
      String reason = brokenReason;
      later(() -> callbacks.run(() -> orphans.forEach(t -> {
        outcomes.fail(t, notRun(t, reason));
        recount(t, false, false);
      })));
    }
    if (state == State.CLOSING) {
      // close() does not wait for cancelled tasks that are still stopping: their outcome is dropped
      for (int slot : dispatcher.onlyStopping()) {
        LiveWorker worker = supervisor.worker(slot);
        if (worker != null && worker.killReason == null) {
          worker.stoppedForCancel = true;
          dispatcher.condemn(slot);
          supervisor.kill(slot, "the pool is closing and does not wait for its cancelled task to stop");
        }
      }
      if (!dispatcher.hasWork()) {
        for (int slot : supervisor.retireAll()) {
          dispatcher.retire(slot);
        }
      }
    }
    if (state != State.RUNNING && !needsWorkers() && supervisor.quiescent() && !closing) {
      closing = true;
      later(() -> callbacks.run(() -> {
        closed.complete(null);
        timer.shutdownNow();
        callbacks.shutdown();
      }));
    }
  }

  /**
   * Stops accepting tasks; the workers exit once every submitted task is done.
   *
   * @return a future that completes once every worker has exited
   */
  public CompletableFuture<Void> closeAsync() {
    runLocked(() -> {
      if (state == State.RUNNING) {
        state = State.CLOSING;
        report(() -> hooks.info("pool " + config.name() + ": closing"));
      }
    });
    return closed.copy();
  }

  /** Kills every worker now and cancels every unfinished future before returning. */
  public void terminate() {
    List<PendingTask> toCancel;
    List<Runnable> after;
    synchronized (lock) {
      if (state == State.TERMINATED) {
        return;
      }
      state = State.TERMINATED;
      toCancel = dispatcher.drainAll();
      for (PendingTask t : toCancel) {
        t.stopClock();
        if (!t.cancelled) {
          counts.cancelled++;
        }
      }
      supervisor.killAll("the pool was terminated");
      tryTerminate();
      after = afterLock.take();
    }
    afterLock.run(after);
    // Cancelled on the caller's thread, outside the lock, so that every unfinished future is
    // cancelled by the time terminate() returns; dependents run on this thread, not a reader's.
    for (PendingTask t : toCancel) {
      t.future.cancel(false);
    }
  }

  /**
   * Returns a future that completes once the pool has shut down and every worker has exited.
   *
   * @return a future that completes once the pool has shut down and every worker has exited
   */
  public CompletableFuture<Void> whenClosed() {
    return closed.copy();
  }

  /**
   * Returns a consistent snapshot of the counters.
   *
   * @return a consistent snapshot of the counters
   */
  public EngineStats stats() {
    synchronized (lock) {
      return counts.snapshot(dispatcher.inFlight(), dispatcher.queued(), supervisor.restarts());
    }
  }

  /**
   * Returns the number of workers.
   *
   * @return the number of workers
   */
  public int size() {
    return firstStarts.size();
  }

  /**
   * Returns the pool's name.
   *
   * @return the pool's name
   */
  public String name() {
    return config.name();
  }

  void logError(String message, Throwable e) {
    hooks.error(message, e);
  }

  /** Runs {@code action} on the timer after a delay, outside the lock. */
  void afterDelay(long millis, Runnable action) {
    try {
      timer.schedule(action, millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      action.run(); // the pool has shut its timer down: nothing is left to wait for
    }
  }

  /** Leaves a call into the user's hooks for after the lock, on a callback thread. */
  @GuardedBy("lock")
  void report(Runnable hookCall) {
    later(() -> callbacks.run(hookCall));
  }
}
