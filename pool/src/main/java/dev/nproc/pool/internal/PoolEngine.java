package dev.nproc.pool.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.nproc.core.Codec;
import dev.nproc.core.CodecException;
import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.JvmFlags;
import dev.nproc.core.internal.wire.FrameWriter;
import dev.nproc.core.internal.wire.Init;
import dev.nproc.core.internal.wire.MasterBound;
import dev.nproc.core.internal.wire.ProtocolException;
import dev.nproc.core.internal.wire.Revoke;
import dev.nproc.core.internal.wire.Shutdown;
import dev.nproc.core.internal.wire.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
 * futures, {@code onWorkerFailure}, the service function) is added to {@link #afterLock} while
 * the lock is held and run by the same thread right after it releases it
 * ({@link #release}); futures and the service run on the {@link CallbackRunner}'s threads.
 * Threads: callers of {@code submit}, {@code closeAsync}, {@code terminate} and {@code stats};
 * one reader per worker; the timer, which runs the supervisor's timers and launches; callback
 * threads.
 *
 * <h2>Lifecycle</h2>
 * RUNNING -> CLOSING ({@link #closeAsync}: no new tasks; the submitted ones finish) -> TERMINATED
 * ({@link #terminate}: workers killed, unfinished futures cancelled). {@link #tryTerminate} runs
 * after every step that may end the pool: it fails the queue of a pool whose workers are all
 * gone for good, retires the workers of a drained closing pool, and completes {@link #whenClosed}
 * once no worker is alive or coming.
 */
public final class PoolEngine {
  private static final byte[] NONE = new byte[0];

  private enum State { RUNNING, CLOSING, TERMINATED }

  private final EngineConfig config;
  private final Codec codec;
  private final byte[] initBytes;
  private final byte[] envBytes;
  private final WorkerLauncher launcher;
  private final FunctionRegistry functions;
  private final Outcomes outcomes;
  private final ServiceBridge service;
  private final ScheduledThreadPoolExecutor timer;
  private final CallbackRunner callbacks;
  /** Completes when the first generation of each slot is ready, or failed to start. */
  private final List<CompletableFuture<Void>> firstStarts = new ArrayList<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private final Object lock = new Object();
  @GuardedBy("lock")
  private State state = State.RUNNING;
  @GuardedBy("lock")
  private final Dispatcher dispatcher;
  @GuardedBy("lock")
  private final Supervisor<LiveWorker> supervisor;
  @GuardedBy("lock")
  private List<Runnable> afterLock = new ArrayList<>();
  @GuardedBy("lock")
  private long nextTaskId = 1;
  @GuardedBy("lock")
  private long submitted;
  @GuardedBy("lock")
  private long completed;
  @GuardedBy("lock")
  private long failed;
  @GuardedBy("lock")
  private long cancelled;
  /** Why the pool can run nothing more (every worker gone for good), or {@code null}. */
  @GuardedBy("lock")
  private String brokenReason;
  @GuardedBy("lock")
  private boolean closing;

  private PoolEngine(int nproc, Function<?, ? extends CompletionStage<?>> serv, byte[] initBytes, byte[] envBytes,
                     EngineConfig config, WorkerLauncher launcher) {
    this.config = config;
    this.codec = config.codec();
    this.initBytes = initBytes;
    this.envBytes = envBytes;
    this.launcher = launcher;
    this.functions = new FunctionRegistry(codec);
    this.outcomes = new Outcomes(codec, config.errorLog(), config.exceptionFormatter());
    this.service = new ServiceBridge(serv, codec, config.maxMessageSize());
    this.timer = new ScheduledThreadPoolExecutor(1, CallbackRunner.daemonThreads(config.name() + "-timer-"));
    timer.setRemoveOnCancelPolicy(true);
    this.callbacks = new CallbackRunner(config.name(), timer, this::logError);
    for (int i = 0; i < nproc; i++) {
      firstStarts.add(new CompletableFuture<>());
    }
    this.dispatcher = new Dispatcher(nproc, config.pipelineDepth(), config.maxTasksPerWorker(), new Dispatch());
    this.supervisor = new Supervisor<>(nproc, lockedScheduler(Scheduler.onThread(timer)), new Supervise(),
        this::needsWorkers, config.respawn(), config.startupTimeout());
  }

  // ---------------------------------------------------------------- creation

  /**
   * Checks this JVM's flags, starts {@code nproc} workers and waits until each is ready or has
   * failed to start.
   *
   * @param nproc the number of workers
   * @param serv the service function of Full mode, or {@code null} for a basic pool
   * @param env the environment of Full mode (ignored for a basic pool)
   * @param config the settings
   * @return the engine
   * @throws IllegalStateException if flags are missing or no worker could start
   * @throws IllegalArgumentException if the init hook or the environment cannot be serialized
   */
  public static PoolEngine start(int nproc, Function<?, ? extends CompletionStage<?>> serv, Object env,
                                 EngineConfig config) {
    if (nproc < 1) {
      throw new IllegalArgumentException("nproc must be at least 1, not " + nproc);
    }
    Objects.requireNonNull(config, "config");
    List<String> missing = JvmFlags.missingInThisJvm();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missingFlagsMessage(missing));
    }
    byte[] initBytes = config.init() == null ? NONE : encodeOrReject(config.codec(), config.init(), "PoolOptions.init");
    byte[] envBytes = serv == null ? NONE : encodeOrReject(config.codec(), env, "the environment");
    if (!FrameWriter.fits(envBytes.length, config.maxMessageSize())) {
      throw new IllegalArgumentException("the environment takes " + envBytes.length
          + " bytes, more than maxMessageSize (" + config.maxMessageSize() + " bytes)");
    }
    PoolEngine engine = new PoolEngine(nproc, serv, initBytes, envBytes, config, new LocalJvmLauncher(config));
    List<Runnable> launches;
    synchronized (engine.lock) {
      engine.supervisor.startAll();
      launches = engine.takeAfterLock();
    }
    engine.release(launches); // the first launches run on this thread
    String firstFailure = null;
    int ready = 0;
    for (CompletableFuture<Void> startup : engine.firstStarts) {
      try {
        startup.join();
        ready++;
      } catch (CompletionException | CancellationException e) {
        if (firstFailure == null) {
          firstFailure = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        }
      }
    }
    if (ready == 0) {
      engine.terminate();
      engine.closed.orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
      throw new IllegalStateException("pool " + config.name() + ": no worker could start. " + firstFailure);
    }
    config.infoLog().accept("pool " + config.name() + ": " + ready + " of " + nproc + " workers ready");
    return engine;
  }

  static String missingFlagsMessage(List<String> missing) {
    return "nproc needs JVM flags that this JVM (Java " + Runtime.version() + ") was started without:\n  "
        + String.join("\n  ", missing) + "\n"
        + "Add them to the java command line, for example with the argfile nproc ships:\n"
        + "  java @nproc.args ...   (write it for this JDK with: java -cp nproc-core.jar "
        + JvmFlags.class.getName() + " > nproc.args)\n"
        + "  Maven Surefire: <argLine>" + String.join(" ", missing) + "</argLine>\n"
        + "  exec:java or mvn itself: put them in .mvn/jvm.config or MAVEN_OPTS\n"
        + "Workers get them from the pool; only the master's own command line needs them.";
  }

  private static byte[] encodeOrReject(Codec codec, Object value, String what) {
    try {
      return codec.encode(value);
    } catch (CodecException e) {
      throw new IllegalArgumentException(what + " cannot be serialized: " + e.getMessage(), e);
    }
  }

  /** Launches a worker, outside the lock: the supervisor's {@code launch} action. */
  private void launch(int slot, int generation) {
    WorkerConnection connection;
    try {
      connection = launcher.launch(slot, generation);
    } catch (WorkerLauncher.LaunchException e) {
      List<Runnable> after;
      synchronized (lock) {
        supervisor.launchFailed(slot, generation, e.getMessage());
        later(() -> config.errorLog().accept("pool " + config.name() + ": worker " + slot + ": " + e.getMessage()));
        if (generation == 0) {
          firstStarts.get(slot).completeExceptionally(new IllegalStateException(e.getMessage()));
        }
        tryTerminate();
        after = takeAfterLock();
      }
      release(after);
      return;
    }
    LiveWorker worker = new LiveWorker(slot, generation, connection);
    List<Runnable> after;
    synchronized (lock) {
      connection.link().send(new Init(slot, generation, initBytes, envBytes)); // the worker's first frame
      supervisor.launched(slot, generation, worker);
      tryTerminate();
      after = takeAfterLock();
    }
    Thread reader = new Thread(() -> read(worker), config.name() + "-reader-" + slot);
    reader.setDaemon(true);
    reader.start();
    release(after);
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
    FunctionRegistry.Encoded function;
    try {
      function = functions.encode(f);
    } catch (CodecException e) {
      throw new IllegalArgumentException("the task's function cannot be serialized: " + e.getMessage(), e);
    }
    // A byte[] travels as it is, without the codec: copied here, so that the task sees the array
    // as it was at submit even if the caller reuses it, and then never copied again.
    boolean rawArgument = arg instanceof byte[];
    byte[] argument;
    try {
      argument = rawArgument ? ((byte[]) arg).clone() : codec.encode(arg);
    } catch (CodecException e) {
      throw new IllegalArgumentException("the task's argument cannot be serialized: " + e.getMessage(), e);
    }
    long size = (long) function.bytes().length + argument.length;
    if (!FrameWriter.fits(size, config.maxMessageSize())) {
      throw new IllegalArgumentException("the task's function and argument take " + (size
          + FrameWriter.ENVELOPE_ALLOWANCE) + " bytes, more than maxMessageSize (" + config.maxMessageSize()
          + " bytes)");
    }
    PendingTask task;
    List<Runnable> after;
    synchronized (lock) {
      if (state != State.RUNNING) {
        throw rejected();
      }
      task = new PendingTask(nextTaskId++, function, argument, rawArgument, delivery);
      submitted++;
      if (brokenReason == null) {
        dispatcher.submit(task);
      } else {
        failed++;
        String reason = brokenReason;
        later(() -> outcomes.fail(task, notRun(task, reason)));
      }
      after = takeAfterLock();
    }
    release(after);
    return task.future;
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

  /** A worker's reader thread: hands each batch to the worker's {@link Inbox}, then reports its end. */
  private void read(LiveWorker worker) {
    String cause = null;
    Inbox inbox = new Inbox(this, worker);
    try {
      worker.connection.link().receive(inbox::take);
    } catch (ProtocolException e) {
      cause = e.getMessage();
      worker.connection.kill();
    } catch (IOException e) {
      cause = "reading its output failed: " + e;
      worker.connection.kill();
    } catch (RuntimeException | Error e) {
      cause = "nproc failed handling its messages: " + e;
      logError(worker + ": " + cause, e);
      worker.connection.kill();
    }
    WorkerConnection.Exit exit = worker.connection.awaitExit(cause == null && worker.answered);
    exited(worker, exit, cause);
  }

  /** Runs one batch of a worker's messages under the lock; the inbox calls back here. */
  void handleBatch(Inbox inbox, List<MasterBound> batch) {
    List<Runnable> after;
    synchronized (lock) {
      try {
        for (MasterBound message : batch) {
          message.deliverTo(inbox);
        }
      } finally {
        // Also when a message further on breaks the protocol: the tasks already taken out of the
        // worker must still be completed.
        inbox.flushOutcomes();
        tryTerminate();
        after = takeAfterLock();
      }
    }
    release(after);
  }

  private void exited(LiveWorker worker, WorkerConnection.Exit exit, String cause) {
    List<Runnable> after;
    synchronized (lock) {
      Dispatcher.Loss loss = supervisor.worker(worker.slot) == worker
          ? dispatcher.lost(worker.slot) : new Dispatcher.Loss(null, 0);
      boolean expected = worker.toldToExit && exit.code() == 0 && loss.running() == null && cause == null;
      String description = Deaths.describe(worker, worker.killReason, worker.initFailure, exit.code(), cause,
          exit.lastOutput());
      boolean fromOutside = worker.killReason == null && Deaths.killedFromOutside(exit.code());
      boolean startFailed = supervisor.exited(worker.slot, worker, fromOutside, description, expected);
      PendingTask running = loss.running();
      if (running != null) {
        running.stopClock();
        failed++;
        TaskFailedException.Kind kind = worker.killKind != null ? worker.killKind : TaskFailedException.Kind.WORKER_DIED;
        String message = "task " + running.id + (kind == TaskFailedException.Kind.TIMED_OUT ? " timed out: " : " failed: ")
            + description;
        later(() -> outcomes.fail(running, new TaskFailedException(kind, message, null, null, null, null)));
      }
      if (!expected && state != State.TERMINATED) {
        WorkerDeath report = new WorkerDeath(worker.info(), exit.code(), Deaths.signalName(exit.code()), description,
            exit.lastOutput());
        later(() -> config.errorLog().accept("pool " + config.name() + ": " + description));
        later(() -> callbacks.run(() -> config.onWorkerFailure().accept(report)));
      }
      if (startFailed && worker.generation == 0) {
        later(() -> firstStarts.get(worker.slot).completeExceptionally(new IllegalStateException(description)));
      }
      tryTerminate();
      after = takeAfterLock();
    }
    release(after);
  }

  // ---------------------------------------------------------------- what the inbox does, under the lock

  @GuardedBy("lock")
  void workerReady(LiveWorker worker) {
    if (supervisor.ready(worker.slot, worker)) {
      dispatcher.open(worker.slot);
    }
    if (worker.generation == 0) {
      CompletableFuture<Void> start = firstStarts.get(worker.slot);
      later(() -> start.complete(null));
    }
  }

  @GuardedBy("lock")
  PendingTask taskAnswered(LiveWorker worker, long taskId, boolean succeeded) {
    PendingTask task = dispatcher.finished(worker.slot, taskId);
    task.stopClock();
    if (succeeded) {
      completed++;
    } else {
      failed++;
    }
    return task;
  }

  @GuardedBy("lock")
  void taskRevoked(LiveWorker worker, long taskId) {
    dispatcher.revoked(worker.slot, taskId);
  }

  /** A result that could not be decoded was counted as completed: it failed. */
  void resultUndecodable() {
    synchronized (lock) {
      completed--;
      failed++;
    }
  }

  Outcomes outcomes() {
    return outcomes;
  }

  ServiceBridge service() {
    return service;
  }

  CallbackRunner callbacks() {
    return callbacks;
  }

  // ---------------------------------------------------------------- the parts' actions

  /** The dispatcher's actions, under the lock. */
  private final class Dispatch implements Dispatcher.Port {
    @Override
    public void send(int slot, PendingTask task, boolean withFunction) {
      supervisor.worker(slot).connection.link().send(new Task(task.id, task.function.id(),
          withFunction ? task.function.bytes() : NONE, task.argument, task.rawArgument));
    }

    @Override
    public void revoke(int slot, long taskId) {
      supervisor.worker(slot).connection.link().send(new Revoke(taskId));
    }

    @Override
    public void started(int slot, PendingTask task) {
      Duration timeout = config.taskTimeout();
      if (timeout != null) {
        task.timeout = supervisor.after(timeout, () -> {
          LiveWorker worker = supervisor.worker(slot);
          if (dispatcher.runs(slot, task.id) && worker.killKind == null) {
            worker.killKind = TaskFailedException.Kind.TIMED_OUT;
            dispatcher.condemn(slot);
            supervisor.kill(slot, "task " + task.id + " ran longer than taskTimeout (" + timeout + ")");
          }
        });
      }
    }

    @Override
    public void dropped(PendingTask task) {
      cancelled++; // cancelled by its caller while it waited
    }

    @Override
    public void drained(int slot) {
      supervisor.recycle(slot);
    }
  }

  /** The supervisor's actions, under the lock; what blocks is run after it. */
  private final class Supervise implements Supervisor.Port<LiveWorker> {
    @Override
    public void launch(int slot, int generation) {
      later(() -> PoolEngine.this.launch(slot, generation));
    }

    @Override
    public void shutdown(LiveWorker worker) {
      worker.toldToExit = true;
      worker.connection.link().send(new Shutdown());
    }

    @Override
    public void kill(LiveWorker worker, String reason) {
      if (worker.killReason == null) {
        worker.killReason = reason;
      }
      later(worker.connection::kill);
    }

    @Override
    public Duration exitGrace(LiveWorker worker) {
      return worker.connection.exitGrace();
    }

    @Override
    public void gaveUp(int slot, String message) {
      later(() -> config.errorLog().accept("pool " + config.name() + ": " + message));
    }
  }

  /** Runs each timer's action under the lock, then what it left for after the lock. */
  private Scheduler lockedScheduler(Scheduler base) {
    return new Scheduler() {
      @Override
      public long nanoTime() {
        return base.nanoTime();
      }

      @Override
      public Cancellable schedule(long delayNanos, Runnable action) {
        return base.schedule(delayNanos, () -> {
          List<Runnable> after;
          synchronized (lock) {
            action.run();
            tryTerminate();
            after = takeAfterLock();
          }
          release(after);
        });
      }
    };
  }

  @GuardedBy("lock")
  void later(Runnable action) {
    afterLock.add(action);
  }

  @GuardedBy("lock")
  private List<Runnable> takeAfterLock() {
    if (afterLock.isEmpty()) {
      return null;
    }
    List<Runnable> taken = afterLock;
    afterLock = new ArrayList<>();
    return taken;
  }

  /** Runs, after the lock is released, what a step left: each guarded, so one failure stops none of the others. */
  private void release(List<Runnable> after) {
    if (after == null) {
      return;
    }
    for (Runnable r : after) {
      try {
        r.run();
      } catch (RuntimeException | Error e) {
        logError("pool " + config.name() + ": an action after the lock failed", e);
      }
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Whether tasks still need a worker: always while running; while closing, until the last one is done. */
  @GuardedBy("lock")
  private boolean needsWorkers() {
    return state == State.RUNNING || (state == State.CLOSING && dispatcher.hasWork());
  }

  /**
   * Brings the pool's lifecycle forward after any step: fails the queue when no worker is left
   * to run it, retires the workers of a drained closing pool, and completes {@link #whenClosed}
   * once no worker is alive or coming.
   */
  @GuardedBy("lock")
  private void tryTerminate() {
    if (brokenReason == null && needsWorkers() && supervisor.quiescent()) {
      brokenReason = "no worker is left to run it (" + (config.respawn()
          ? "every worker failed to start " + Supervisor.MAX_START_FAILURES + " times in a row"
          : "respawn is off and every worker died") + "); last failure: " + supervisor.lastFailure();
      List<PendingTask> orphans = dispatcher.drainQueue();
      failed += orphans.size();
      String reason = brokenReason;
      later(() -> callbacks.run(() -> orphans.forEach(t -> outcomes.fail(t, notRun(t, reason)))));
    }
    if (state == State.CLOSING && !dispatcher.hasWork()) {
      for (int slot : supervisor.retireAll()) {
        dispatcher.retire(slot);
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
    List<Runnable> after;
    synchronized (lock) {
      if (state == State.RUNNING) {
        state = State.CLOSING;
        later(() -> config.infoLog().accept("pool " + config.name() + ": closing"));
        tryTerminate();
      }
      after = takeAfterLock();
    }
    release(after);
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
      toCancel.forEach(PendingTask::stopClock);
      cancelled += toCancel.size();
      supervisor.killAll("the pool was terminated");
      tryTerminate();
      after = takeAfterLock();
    }
    release(after);
    // Cancelled on the caller's thread, outside the lock, so that every unfinished future is
    // cancelled by the time terminate() returns; dependents run on this thread, not a reader's.
    for (PendingTask t : toCancel) {
      t.future.cancel(false);
    }
  }

  /** @return a future that completes once the pool has shut down and every worker has exited */
  public CompletableFuture<Void> whenClosed() {
    return closed.copy();
  }

  /** @return a consistent snapshot of the counters */
  public EngineStats stats() {
    synchronized (lock) {
      return new EngineStats(submitted, completed, failed, cancelled, dispatcher.inFlight(), dispatcher.queued(),
          supervisor.restarts());
    }
  }

  /** @return the number of workers */
  public int size() {
    return firstStarts.size();
  }

  /** @return the pool's name */
  public String name() {
    return config.name();
  }

  void logError(String message, Throwable e) {
    config.errorLog().accept(message + "\n" + config.exceptionFormatter().apply(e));
  }
}
