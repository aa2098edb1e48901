package dev.nproc.pool.internal;

import dev.nproc.core.Codec;
import dev.nproc.core.CodecException;
import dev.nproc.core.FullFunction;
import dev.nproc.core.SerializableFunction;
import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.JvmFlags;
import dev.nproc.core.internal.wire.Failure;
import dev.nproc.core.internal.wire.Init;
import dev.nproc.core.internal.wire.Message;
import dev.nproc.core.internal.wire.MessageKind;
import dev.nproc.core.internal.wire.ProtocolException;
import dev.nproc.core.internal.wire.Result;
import dev.nproc.core.internal.wire.Revoke;
import dev.nproc.core.internal.wire.ServiceReply;
import dev.nproc.core.internal.wire.ServiceRequest;
import dev.nproc.core.internal.wire.Shutdown;
import dev.nproc.core.internal.wire.Task;
import dev.nproc.pool.FullPool;
import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.PoolStats;
import dev.nproc.pool.WorkerFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The one mechanism behind {@link Pool} and {@link FullPool}: a basic pool is a Full pool with
 * no environment and no service.
 *
 * <h2>Concurrency</h2>
 * All scheduling state (the queue of tasks not yet sent, each worker's tasks in flight, the
 * slots, the counters, the pool's state) is guarded by {@code lock}, held only for short,
 * non-blocking steps: no I/O, no process launch and no user code ever runs under it. Sending a
 * frame means adding it to a worker's {@code FrameSender} queue, so {@code submit} never blocks
 * on a pipe.
 * <ul>
 *   <li>Callers of {@code submit} encode the function and the argument on their own thread,
 *       then take the lock to queue the task and dispatch.</li>
 *   <li>Each worker's reader thread takes the lock to record results (or a death) and dispatch
 *       more: once for all the frames that arrived together. Decoding results, completing
 *       futures, running the service function and {@code onWorkerFailure} all happen on
 *       {@code callbacks} ({@link CallbackRunner}: the results of one batch on one callback
 *       thread, with more threads as soon as a callback blocks), so user code (a
 *       {@code thenAccept} that sleeps, a slow service) never stalls a reader, nor the other
 *       results.</li>
 *   <li>Processes are launched on the {@code timer} thread (or the creating thread), outside the
 *       lock; the lock is taken again to register the new worker.</li>
 * </ul>
 *
 * <h2>Exactly once</h2>
 * A task is in exactly one place: the queue, one worker's {@code inFlight}, or done. It leaves a
 * worker only through that worker's result, failure, revoke confirmation or death. A worker runs
 * its tasks in the order received, so at its death only the oldest task in flight can have
 * started: that one fails, the others go back to the head of the queue, unstarted.
 *
 * <h2>Pipelining</h2>
 * A worker may hold {@link #PIPELINE_DEPTH} tasks, to hide the pipe's round trip. When a worker
 * is idle, the queue is empty and another worker holds a task it has not started, the master
 * revokes that task and the worker gives it back if it has not started it; so an idle worker
 * never waits while another has a queue.
 */
public final class PoolEngine {
  static final int PIPELINE_DEPTH = Integer.getInteger("nproc.pipelineDepth", 8);
  /** Starts in a row that fail on the worker's own account (init throws, bad JVM flags, a crash) after which a slot is given up. */
  static final int MAX_START_FAILURES = 3;
  /** How long a worker told to shut down may take to exit before it is killed. */
  static final Duration RETIRE_GRACE = Duration.ofSeconds(5);
  /** The same for the worker that writes the class-data archive at exit, which takes a moment more. */
  static final Duration DUMPING_RETIRE_GRACE = Duration.ofSeconds(20);
  private static final byte[] NONE = new byte[0];

  private enum State { RUNNING, CLOSING, TERMINATED }

  /** One of the pool's {@code nproc} places for a worker. Guarded by the engine's lock. */
  private static final class Slot {
    final int id;
    int generation = -1;
    WorkerHandle worker;
    ScheduledLaunch pendingLaunch;
    /** Starts in a row that failed on the worker's own account: these make a crash loop. */
    int startFailures;
    /** Starts in a row cut short from outside (SIGKILL, SIGTERM...): retried with backoff, never given up. */
    int startKills;
    String lastFailure;

    Slot(int id) {
      this.id = id;
    }
  }

  final PoolOptions options;
  private final Codec codec;
  private final Function<Object, CompletionStage<Object>> serv;
  private final byte[] initBytes;
  private final byte[] envBytes;
  private final WorkerCommand command;
  private final ProcessBuilder processBuilder;
  private final ClassDataArchive classData;
  private final FunctionRegistry functions;
  private final CallbackRunner callbacks;
  private final ScheduledThreadPoolExecutor timer;

  private final Object lock = new Object();
  private State state = State.RUNNING;
  private final ArrayDeque<PendingTask> queue = new ArrayDeque<>();
  private final Slot[] slots;
  private final Set<WorkerHandle> live = new LinkedHashSet<>();
  private int launching;
  private long nextTaskId = 1;
  private int dispatchCursor;
  private long submitted;
  private long completed;
  private long failed;
  private long cancelled;
  private long restarts;
  private String brokenReason;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  @SuppressWarnings("unchecked")
  private PoolEngine(int nproc, Function<?, ? extends CompletionStage<?>> serv, byte[] initBytes, byte[] envBytes,
                     PoolOptions options) {
    this.options = options;
    this.codec = options.codec();
    this.serv = (Function<Object, CompletionStage<Object>>) (Function<?, ?>) serv;
    this.initBytes = initBytes;
    this.envBytes = envBytes;
    this.functions = new FunctionRegistry(codec);
    this.command = new WorkerCommand(options);
    this.processBuilder = new ProcessBuilder(command.command());
    processBuilder.environment().putAll(options.environment());
    if (options.workingDirectory() != null) {
      processBuilder.directory(options.workingDirectory().toFile());
    }
    this.classData = ClassDataArchive.forWorkers(options.name(), command, processBuilder.environment(),
        options.workingDirectory(), options.infoLog());
    this.slots = new Slot[nproc];
    for (int i = 0; i < nproc; i++) {
      slots[i] = new Slot(i);
    }
    this.timer = new ScheduledThreadPoolExecutor(1, CallbackRunner.daemonThreads(options.name() + "-timer-"));
    this.callbacks = new CallbackRunner(options.name(), timer, this::logError);
    timer.setRemoveOnCancelPolicy(true);
  }

  // ---------------------------------------------------------------- creation

  /**
   * Checks this JVM's flags, starts {@code nproc} workers and waits until each is ready or has
   * failed to start.
   *
   * @param nproc the number of workers
   * @param serv the service function of Full mode, or {@code null} for a basic pool
   * @param env the environment of Full mode (ignored for a basic pool)
   * @param options the options
   * @return the engine
   * @throws IllegalStateException if flags are missing or no worker could start
   * @throws IllegalArgumentException if the init hook or the environment cannot be serialized
   */
  public static PoolEngine start(int nproc, Function<?, ? extends CompletionStage<?>> serv, Object env,
                                 PoolOptions options) {
    if (nproc < 1) {
      throw new IllegalArgumentException("nproc must be at least 1, not " + nproc);
    }
    Objects.requireNonNull(options, "options");
    List<String> missing = JvmFlags.missingInThisJvm();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missingFlagsMessage(missing));
    }
    byte[] initBytes = options.init() == null ? NONE : encodeOrReject(options.codec(), options.init(), "PoolOptions.init");
    byte[] envBytes = serv == null ? NONE : encodeOrReject(options.codec(), env, "the environment");
    if (envBytes.length > options.maxMessageSize() - 64) {
      throw new IllegalArgumentException("the environment takes " + envBytes.length
          + " bytes, more than maxMessageSize (" + options.maxMessageSize() + " bytes)");
    }
    PoolEngine engine = new PoolEngine(nproc, serv, initBytes, envBytes, options);
    List<CompletableFuture<Void>> startups = new ArrayList<>();
    synchronized (engine.lock) {
      engine.launching += nproc;
    }
    for (Slot slot : engine.slots) {
      startups.add(engine.launchNow(slot, null));
    }
    String firstFailure = null;
    int ready = 0;
    for (CompletableFuture<Void> startup : startups) {
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
      throw new IllegalStateException("pool " + options.name() + ": no worker could start. " + firstFailure);
    }
    engine.options.infoLog().accept("pool " + options.name() + ": " + ready + " of " + nproc + " workers ready");
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

  /**
   * A launch waiting on the timer. Cancelled under the lock, and checked under the lock when it
   * runs, so it is counted out of {@code launching} exactly once: by its cancellation or by its
   * run. ({@code Future.cancel} alone cannot tell: it succeeds on a task that has started and
   * waits for the lock.)
   */
  private final class ScheduledLaunch implements Runnable {
    private final Slot slot;
    private ScheduledFuture<?> future;
    private boolean cancelled;

    ScheduledLaunch(Slot slot) {
      this.slot = slot;
    }

    @Override
    public void run() {
      launchNow(slot, this);
    }

    /** Under lock. */
    void cancel() {
      cancelled = true;
      future.cancel(false);
      launching--;
    }
  }

  /**
   * Launches a worker for {@code slot} on this thread; the caller counted it in {@code launching}.
   *
   * @param scheduled the timer's launch that runs this, or {@code null} when called directly
   */
  private CompletableFuture<Void> launchNow(Slot slot, ScheduledLaunch scheduled) {
    int generation;
    synchronized (lock) {
      if (scheduled != null && scheduled.cancelled) {
        return CompletableFuture.failedFuture(new IllegalStateException("the launch was cancelled"));
      }
      if (slot.pendingLaunch == scheduled) {
        slot.pendingLaunch = null;
      }
      if (state == State.TERMINATED || (state == State.CLOSING && !needsWorkers())) {
        launching--;
        maybeComplete();
        return CompletableFuture.failedFuture(new IllegalStateException("the pool is shutting down"));
      }
      generation = ++slot.generation;
      if (generation > 0) {
        restarts++;
      }
    }
    ClassDataArchive.Launch cds = classData.nextLaunch();
    ProcessBuilder builder = processBuilder;
    if (!cds.flags().isEmpty()) {
      builder = new ProcessBuilder(command.command(cds.flags())).directory(processBuilder.directory());
      builder.environment().putAll(options.environment());
    }
    Process process = null;
    String error = null;
    try {
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      error = "cannot start the worker JVM (" + builder.command().get(0) + "): " + e.getMessage();
      classData.workerGone(cds, false);
    }
    synchronized (lock) {
      launching--;
      if (process == null) {
        slot.startFailures++;
        slot.lastFailure = error;
        options.errorLog().accept("pool " + options.name() + ": worker " + slot.id + ": " + error);
        replaceIfNeeded(slot);
        settle();
        return CompletableFuture.failedFuture(new IllegalStateException(error));
      }
      WorkerHandle h = new WorkerHandle(this, slot.id, generation, process, cds);
      live.add(h);
      slot.worker = h;
      if (state == State.TERMINATED) {
        h.kill();
      } else {
        h.sender.send(new Init(slot.id, generation, initBytes, envBytes));
        Duration timeout = options.startupTimeout();
        h.startupTimer = timer.schedule(() -> startupTimedOut(h), timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (state == State.CLOSING && !needsWorkers()) {
          retire(h);
        }
      }
      return h.startup;
    }
  }

  /** Schedules a launch for an empty slot. Under lock. */
  private void launchLater(Slot slot, long delayMillis) {
    launching++;
    ScheduledLaunch launch = new ScheduledLaunch(slot);
    slot.pendingLaunch = launch;
    launch.future = timer.schedule(launch, delayMillis, TimeUnit.MILLISECONDS);
  }

  private void startupTimedOut(WorkerHandle h) {
    synchronized (lock) {
      if (h.state == WorkerHandle.State.STARTING) {
        h.killReason = "it did not become ready within startupTimeout (" + options.startupTimeout() + ")";
        h.kill();
      }
    }
  }

  // ---------------------------------------------------------------- submission

  /**
   * Submits a task.
   *
   * @param f a {@link SerializableFunction} or a {@link FullFunction}
   * @param arg the argument
   * @param optional {@code true} for {@code submit}'s {@code Optional} results, {@code false} for {@code call}
   * @return the task's future: of an {@code Optional} when {@code optional}, else of the bare result
   */
  CompletableFuture<Object> submit(Object f, Object arg, boolean optional) {
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
    long size = (long) function.bytes().length + argument.length + 64;
    if (size > options.maxMessageSize()) {
      throw new IllegalArgumentException("the task's function and argument take " + size
          + " bytes, more than maxMessageSize (" + options.maxMessageSize() + " bytes)");
    }
    PendingTask task;
    String broken;
    synchronized (lock) {
      if (state != State.RUNNING) {
        throw rejected();
      }
      task = new PendingTask(nextTaskId++, function, argument, rawArgument, optional);
      submitted++;
      broken = brokenReason;
      if (broken == null) {
        queue.add(task);
        dispatch();
      } else {
        failed++;
      }
    }
    if (broken != null) {
      fail(task, new TaskFailedException(TaskFailedException.Kind.NOT_RUN,
          "task " + task.id + " not run: " + broken, null, null, null, null));
    }
    return task.future;
  }

  private RejectedExecutionException rejected() {
    return new RejectedExecutionException("pool " + options.name() + " is "
        + (state == State.TERMINATED ? "terminated" : "closed") + " and takes no new tasks");
  }

  // ---------------------------------------------------------------- dispatch (under lock)

  private void dispatch() {
    if (state == State.TERMINATED) {
      return;
    }
    while (!queue.isEmpty()) {
      WorkerHandle best = null;
      // Start the scan one slot further each time, so ties do not always go to slot 0.
      int start = Math.floorMod(dispatchCursor++, slots.length);
      for (int i = 0; i < slots.length; i++) {
        WorkerHandle h = slots[(start + i) % slots.length].worker;
        if (h != null && h.state == WorkerHandle.State.READY && h.inFlight.size() < capacity(h)
            && (best == null || h.inFlight.size() < best.inFlight.size())) {
          best = h;
        }
      }
      if (best == null) {
        break;
      }
      PendingTask task = queue.poll();
      if (task.future.isDone()) {
        cancelled++; // cancelled by its caller while it waited
        continue;
      }
      send(best, task);
    }
    if (queue.isEmpty()) {
      revokeForIdleWorkers();
    }
  }

  private int capacity(WorkerHandle h) {
    int max = options.maxTasksPerWorker();
    return max == 0 ? PIPELINE_DEPTH : Math.min(PIPELINE_DEPTH, max - h.tasksAssigned);
  }

  private void send(WorkerHandle h, PendingTask task) {
    h.inFlight.put(task.id, task);
    h.tasksAssigned++;
    long functionId = task.function.id();
    byte[] function = task.function.bytes();
    if (h.functions.lookUp(functionId) != null) {
      function = NONE;
    } else {
      h.functions.store(functionId, Boolean.TRUE);
    }
    h.sender.send(new Task(task.id, functionId, function, task.argument, task.rawArgument));
    if (h.inFlight.size() == 1) {
      startHead(h);
    }
  }

  /** The oldest task in flight is the one the worker runs now: start its clock. */
  private void startHead(WorkerHandle h) {
    if (h.inFlight.isEmpty()) {
      return;
    }
    PendingTask head = h.inFlight.values().iterator().next();
    if (head.startedNanos != 0) {
      return;
    }
    head.startedNanos = System.nanoTime();
    Duration timeout = options.taskTimeout();
    if (timeout != null) {
      head.timeout = timer.schedule(() -> timedOut(h, head), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void timedOut(WorkerHandle h, PendingTask task) {
    synchronized (lock) {
      if (h.state != WorkerHandle.State.DEAD && h.killKind == null && h.inFlight.containsKey(task.id)) {
        h.killKind = TaskFailedException.Kind.TIMED_OUT;
        h.killReason = "task " + task.id + " ran longer than taskTimeout (" + options.taskTimeout() + ")";
        h.kill();
      }
    }
  }

  private void revokeForIdleWorkers() {
    for (Slot idleSlot : slots) {
      WorkerHandle idle = idleSlot.worker;
      if (idle == null || idle.state != WorkerHandle.State.READY || !idle.inFlight.isEmpty()) {
        continue;
      }
      WorkerHandle victim = null;
      for (Slot slot : slots) {
        WorkerHandle h = slot.worker;
        if (h != null && h.inFlight.size() > 1 && h.revoking == 0 && h.killKind == null
            && (victim == null || h.inFlight.size() > victim.inFlight.size())) {
          victim = h;
        }
      }
      if (victim == null) {
        return;
      }
      PendingTask last = null;
      for (PendingTask t : victim.inFlight.values()) {
        last = t;
      }
      victim.revoking = last.id;
      victim.sender.send(new Revoke(MessageKind.REVOKE, last.id));
    }
  }

  // ---------------------------------------------------------------- messages from workers

  /**
   * Handles the frames a worker's reader took in one go, in order. The tasks they finish are
   * recorded under one lock and their futures completed by one callback.
   */
  void onMessages(WorkerHandle h, List<Message> batch) {
    List<Runnable> outcomes = new ArrayList<>();
    try {
      int i = 0;
      while (i < batch.size()) {
        if (!isOutcome(batch.get(i))) {
          onMessage(h, batch.get(i++));
          continue;
        }
        synchronized (lock) {
          for (; i < batch.size() && isOutcome(batch.get(i)); i++) {
            Message m = batch.get(i);
            if (m instanceof Result result) {
              PendingTask task = finish(h, result.taskId());
              completed++;
              outcomes.add(() -> deliver(h, task, result));
            } else {
              Failure failure = (Failure) m;
              PendingTask task = finish(h, failure.taskId());
              failed++;
              outcomes.add(() -> fail(task, remoteFailure(h, task, failure)));
            }
          }
          dispatch();
          settle();
        }
      }
    } finally {
      // Also when a frame further on breaks the protocol: the tasks already taken out of the
      // worker must still be completed.
      if (!outcomes.isEmpty()) {
        callbacks.runAll(outcomes);
      }
    }
  }

  /** A task's result or failure (not the init hook's failure). */
  private static boolean isOutcome(Message m) {
    return m.kind() == MessageKind.RESULT
        || (m.kind() == MessageKind.FAILURE && ((Failure) m).taskId() != Failure.INIT_TASK_ID);
  }

  private void onMessage(WorkerHandle h, Message m) {
    switch (m.kind()) {
      case READY -> onReady(h);
      case FAILURE -> {
        Failure failure = (Failure) m;
        synchronized (lock) {
          h.initFailure = failure.className() + (failure.message() == null ? "" : ": " + failure.message())
              + "\n" + failure.stackTrace();
        }
      }
      case SERVICE_REQUEST -> serve(h, (ServiceRequest) m);
      case REVOKED -> {
        synchronized (lock) {
          long taskId = ((Revoke) m).taskId();
          PendingTask task = h.inFlight.remove(taskId);
          if (task == null) {
            throw new ProtocolException("the worker gave back task " + taskId + ", which it does not hold");
          }
          h.revoking = 0;
          h.tasksAssigned--;
          task.startedNanos = 0;
          queue.addFirst(task);
          dispatch();
        }
      }
      default -> throw new ProtocolException("a worker does not send " + m.kind());
    }
  }

  private void onReady(WorkerHandle h) {
    synchronized (lock) {
      if (h.startupTimer != null) {
        h.startupTimer.cancel(false);
      }
      slots[h.slot].startFailures = 0;
      slots[h.slot].startKills = 0;
      if (h.state == WorkerHandle.State.STARTING) {
        h.state = WorkerHandle.State.READY;
      }
      dispatch();
      settle();
    }
    h.startup.complete(null);
  }

  /** Takes a finished task out of its worker; the caller then dispatches. Under lock. */
  private PendingTask finish(WorkerHandle h, long taskId) {
    PendingTask task = h.inFlight.remove(taskId);
    if (task == null) {
      throw new ProtocolException("the worker answered task " + taskId + ", which it does not hold");
    }
    if (task.timeout != null) {
      task.timeout.cancel(false);
    }
    h.answered = true;
    if (h.revoking == taskId) {
      h.revoking = 0;
    }
    startHead(h);
    int max = options.maxTasksPerWorker();
    if (max > 0 && h.tasksAssigned >= max && h.inFlight.isEmpty() && h.state == WorkerHandle.State.READY) {
      retire(h);
      slots[h.slot].worker = null;
      if (state != State.TERMINATED && needsWorkers()) {
        launchLater(slots[h.slot], 0);
      }
    }
    return task;
  }

  private void deliver(WorkerHandle h, PendingTask task, Result message) {
    byte[] value = message.value();
    Object result;
    try {
      result = message.rawValue() ? value : codec.decode(value, 0, value.length);
    } catch (CodecException e) {
      synchronized (lock) {
        completed--;
        failed++;
      }
      fail(task, new TaskFailedException(TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE,
          "task " + task.id + ": the master cannot decode the result sent by worker " + h.slot + " (pid " + h.pid
              + "): " + e.getMessage(), null, null, null, e));
      return;
    }
    task.future.complete(task.optional ? Optional.ofNullable(result) : result);
  }

  private TaskFailedException remoteFailure(WorkerHandle h, PendingTask task, Failure f) {
    Throwable cause = null;
    if (f.exception().length > 0) {
      try {
        cause = (Throwable) codec.decode(f.exception(), 0, f.exception().length);
      } catch (RuntimeException e) {
        // the text below still says what happened
      }
    }
    String what = f.failureKind() == TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE
        ? "'s result could not be serialized" : " failed";
    String message = "task " + task.id + what + " in worker " + h.slot + " (pid " + h.pid + "): " + f.className()
        + (f.message() == null ? "" : ": " + f.message());
    return new TaskFailedException(f.failureKind(), message, f.className(), f.message(), f.stackTrace(), cause);
  }

  private void fail(PendingTask task, TaskFailedException e) {
    if (task.optional) {
      options.errorLog().accept(options.exceptionFormatter().apply(e));
      task.future.complete(Optional.empty());
    } else {
      task.future.completeExceptionally(e);
    }
  }

  private void serve(WorkerHandle h, ServiceRequest request) {
    if (serv == null) {
      h.sender.send(new ServiceReply(request.requestId(), NONE, "this pool has no service (use FullPool)"));
      return;
    }
    runCallback(() -> {
      CompletionStage<Object> stage;
      try {
        Object q = codec.decode(request.request(), 0, request.request().length);
        stage = serv.apply(q);
        if (stage == null) {
          throw new NullPointerException("the service function returned null instead of a CompletionStage");
        }
      } catch (RuntimeException | Error e) {
        h.sender.send(new ServiceReply(request.requestId(), NONE, "the master's service failed: " + describe(e)));
        return;
      }
      stage.whenComplete((answer, error) -> {
        if (error != null) {
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          h.sender.send(new ServiceReply(request.requestId(), NONE, "the master's service failed: " + describe(cause)));
          return;
        }
        byte[] bytes;
        try {
          bytes = codec.encode(answer);
        } catch (CodecException e) {
          h.sender.send(new ServiceReply(request.requestId(), NONE, "the service's answer cannot be serialized: "
              + e.getMessage()));
          return;
        }
        if (bytes.length > options.maxMessageSize() - 64) {
          h.sender.send(new ServiceReply(request.requestId(), NONE, "the service's answer takes " + bytes.length
              + " bytes, more than maxMessageSize (" + options.maxMessageSize() + " bytes)"));
          return;
        }
        h.sender.send(new ServiceReply(request.requestId(), bytes, null));
      });
    });
  }

  private static String describe(Throwable t) {
    return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  // ---------------------------------------------------------------- deaths

  void onWorkerExit(WorkerHandle h, int exitCode, String cause) {
    List<String> lastLines = h.stderr.lastLines();
    List<Runnable> after = new ArrayList<>();
    String description;
    boolean startupFailed;
    h.sender.close(); // ends the sender thread (its pipe is closed or closing)
    // Before the worker leaves the live set, so that the archive is in place when close() returns.
    classData.workerGone(h.classData, exitCode == 0 && cause == null && h.answered);
    synchronized (lock) {
      live.remove(h);
      WorkerHandle.State was = h.state;
      h.state = WorkerHandle.State.DEAD;
      if (h.startupTimer != null) {
        h.startupTimer.cancel(false);
      }
      Slot slot = slots[h.slot];
      if (slot.worker == h) {
        slot.worker = null;
      }
      List<PendingTask> tasks = h.drainInFlight();
      boolean expected = was == WorkerHandle.State.RETIRING && exitCode == 0 && tasks.isEmpty() && cause == null;
      description = describeDeath(h, exitCode, cause, lastLines);
      startupFailed = was == WorkerHandle.State.STARTING;
      if (state != State.TERMINATED) {
        for (PendingTask t : tasks) {
          if (t.timeout != null) {
            t.timeout.cancel(false);
          }
        }
        if (!tasks.isEmpty()) {
          PendingTask head = tasks.get(0);
          failed++;
          TaskFailedException.Kind kind = h.killKind != null ? h.killKind : TaskFailedException.Kind.WORKER_DIED;
          String message = "task " + head.id + (kind == TaskFailedException.Kind.TIMED_OUT
              ? " timed out: " : " failed: ") + description;
          after.add(() -> fail(head, new TaskFailedException(kind, message, null, null, null, null)));
          for (int i = tasks.size() - 1; i >= 1; i--) {
            PendingTask t = tasks.get(i);
            t.startedNanos = 0;
            queue.addFirst(t);
          }
        }
        if (startupFailed) {
          if (h.killReason == null && killedFromOutside(exitCode)) {
            slot.startKills++;
          } else {
            slot.startFailures++;
          }
          slot.lastFailure = description;
        }
        if (!expected) {
          WorkerFailure report = new WorkerFailure(h.info(), exitCode, signalName(exitCode), description, lastLines);
          options.errorLog().accept("pool " + options.name() + ": " + description);
          after.add(() -> options.onWorkerFailure().accept(report));
          if (slot.worker == null) {
            replaceIfNeeded(slot);
          }
        }
      }
      dispatch();
      settle();
    }
    if (startupFailed) {
      h.startup.completeExceptionally(new IllegalStateException(description));
    }
    for (Runnable r : after) {
      runCallback(r);
    }
  }

  /** Starts a replacement for an empty slot, with backoff, unless respawn is off or the slot keeps failing. Under lock. */
  private void replaceIfNeeded(Slot slot) {
    if (state == State.TERMINATED || slot.worker != null || slot.pendingLaunch != null || !needsWorkers()
        || !options.respawn()) {
      return;
    }
    if (slot.startFailures >= MAX_START_FAILURES) {
      options.errorLog().accept("pool " + options.name() + ": worker " + slot.id + " failed to start "
          + slot.startFailures + " times in a row; its slot is given up. Last failure: " + slot.lastFailure);
      return;
    }
    int failures = slot.startFailures + slot.startKills;
    long delay = failures == 0 ? 0 : Math.min(5_000, 250L << Math.min(failures - 1, 5));
    launchLater(slot, delay);
  }

  /**
   * Whether a death came from a signal someone else sends to stop a process, rather than from
   * the worker itself: such deaths during start-up are not a crash loop.
   */
  private static boolean killedFromOutside(int exitCode) {
    String signal = signalName(exitCode);
    return "SIGKILL".equals(signal) || "SIGTERM".equals(signal) || "SIGINT".equals(signal) || "SIGHUP".equals(signal);
  }

  private String describeDeath(WorkerHandle h, int exitCode, String cause, List<String> lastLines) {
    StringBuilder s = new StringBuilder("worker ").append(h.slot).append(" (pid ").append(h.pid).append(")");
    if (h.killReason != null) {
      s.append(" was killed: ").append(h.killReason);
    } else if (h.initFailure != null) {
      s.append(" failed in its init hook: ").append(h.initFailure.strip());
      return s.toString();
    } else {
      s.append(" died");
      String signal = signalName(exitCode);
      s.append(signal != null ? " (killed by " + signal + ")" : " (exit code " + exitCode + ")");
      if (cause != null) {
        s.append(": ").append(cause);
      }
    }
    boolean oom = lastLines.stream().anyMatch(l -> l.contains("OutOfMemoryError"));
    if (oom) {
      s.append(" — out of memory");
    }
    if (!lastLines.isEmpty() && h.killReason == null) {
      List<String> tail = lastLines.subList(Math.max(0, lastLines.size() - 5), lastLines.size());
      s.append("; its last output:\n  ").append(String.join("\n  ", tail));
    }
    return s.toString();
  }

  static String signalName(int exitCode) {
    int signal = exitCode - 128;
    return switch (signal) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 3 -> "SIGQUIT";
      case 4 -> "SIGILL";
      case 6 -> "SIGABRT";
      case 7 -> "SIGBUS";
      case 8 -> "SIGFPE";
      case 9 -> "SIGKILL";
      case 11 -> "SIGSEGV";
      case 13 -> "SIGPIPE";
      case 15 -> "SIGTERM";
      default -> null;
    };
  }

  // ---------------------------------------------------------------- shutdown

  private boolean anyInFlight() {
    for (WorkerHandle h : live) {
      if (!h.inFlight.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Whether tasks still need a worker: always while running; while closing, until the last one is done. Under lock. */
  private boolean needsWorkers() {
    return state == State.RUNNING || (state == State.CLOSING && (!queue.isEmpty() || anyInFlight()));
  }

  private void retire(WorkerHandle h) {
    h.state = WorkerHandle.State.RETIRING;
    h.sender.send(new Shutdown());
    // A worker that finishes its tasks but does not exit (a shutdown hook that blocks, say)
    // must not keep close() waiting.
    long grace = (h.classData.dumps() ? DUMPING_RETIRE_GRACE : RETIRE_GRACE).toMillis();
    timer.schedule(() -> {
      synchronized (lock) {
        if (h.state != WorkerHandle.State.DEAD) {
          options.errorLog().accept("pool " + options.name() + ": worker " + h.slot + " (pid " + h.pid
              + ") did not exit within " + grace + " ms of being told to; killing it");
          h.killReason = "it did not exit within " + grace + " ms of being told to";
          h.kill();
        }
      }
    }, grace, TimeUnit.MILLISECONDS);
  }

  /**
   * Brings the pool's state forward after any change: fails queued tasks when no worker is left
   * to run them, retires workers once a closing pool is drained, and completes
   * {@link #whenClosed} when the last process is gone. Under lock.
   */
  private void settle() {
    if (state != State.TERMINATED && brokenReason == null && live.isEmpty() && launching == 0) {
      boolean pending = false;
      for (Slot slot : slots) {
        pending |= slot.pendingLaunch != null;
      }
      if (!pending && (state == State.RUNNING || needsWorkers())) {
        brokenReason = "no worker is left to run it (" + (options.respawn()
            ? "every worker failed to start " + MAX_START_FAILURES + " times in a row"
            : "respawn is off and every worker died") + "); last failure: " + lastFailure();
        List<PendingTask> orphans = new ArrayList<>(queue);
        queue.clear();
        failed += orphans.size();
        for (PendingTask t : orphans) {
          runCallback(() -> fail(t, new TaskFailedException(TaskFailedException.Kind.NOT_RUN,
              "task " + t.id + " not run: " + brokenReason, null, null, null, null)));
        }
      }
    }
    if (state == State.CLOSING && !needsWorkers()) {
      for (Slot slot : slots) {
        if (slot.pendingLaunch != null) {
          slot.pendingLaunch.cancel();
          slot.pendingLaunch = null;
        }
      }
      for (WorkerHandle h : live) {
        if (h.state == WorkerHandle.State.READY || h.state == WorkerHandle.State.STARTING) {
          retire(h);
        }
      }
    }
    maybeComplete();
  }

  private String lastFailure() {
    for (Slot slot : slots) {
      if (slot.lastFailure != null) {
        return slot.lastFailure;
      }
    }
    return "unknown";
  }

  private void maybeComplete() {
    if (state != State.RUNNING && !needsWorkers() && live.isEmpty() && launching == 0 && !closed.isDone()) {
      runCallback(() -> {
        closed.complete(null);
        timer.shutdownNow();
        callbacks.shutdown();
      });
    }
  }

  CompletableFuture<Void> closeAsync() {
    synchronized (lock) {
      if (state == State.RUNNING) {
        state = State.CLOSING;
        options.infoLog().accept("pool " + options.name() + ": closing");
        settle();
      }
    }
    return closed.copy();
  }

  void terminate() {
    List<PendingTask> toCancel = new ArrayList<>();
    synchronized (lock) {
      if (state == State.TERMINATED) {
        return;
      }
      state = State.TERMINATED;
      toCancel.addAll(queue);
      queue.clear();
      for (Slot slot : slots) {
        if (slot.pendingLaunch != null) {
          slot.pendingLaunch.cancel();
          slot.pendingLaunch = null;
        }
      }
      for (WorkerHandle h : live) {
        toCancel.addAll(h.drainInFlight());
        h.kill();
      }
      cancelled += toCancel.size();
      maybeComplete();
    }
    // Cancelled on the caller's thread, outside the lock, so that every unfinished future is
    // cancelled by the time terminate() returns; dependents run on this thread, not a reader's.
    for (PendingTask t : toCancel) {
      if (t.timeout != null) {
        t.timeout.cancel(false);
      }
      t.future.cancel(false);
    }
  }

  CompletableFuture<Void> whenClosed() {
    return closed.copy();
  }

  PoolStats stats() {
    synchronized (lock) {
      int inFlight = 0;
      for (WorkerHandle h : live) {
        inFlight += h.inFlight.size();
      }
      return new PoolStats(submitted, completed, failed, cancelled, inFlight, queue.size(), restarts);
    }
  }

  int size() {
    return slots.length;
  }

  void logError(String message, Throwable e) {
    options.errorLog().accept(message + "\n" + options.exceptionFormatter().apply(e));
  }

  /** Runs user-facing work off the reader threads. */
  private void runCallback(Runnable r) {
    callbacks.run(r);
  }

  // ---------------------------------------------------------------- public faces

  /**
   * Returns this engine as a basic {@link Pool}.
   *
   * @return the pool
   */
  public Pool asPool() {
    return new PoolFace<Object, Object, Object>(this, "Pool");
  }

  /**
   * Returns this engine as a {@link FullPool}.
   *
   * @param <Q> the request type
   * @param <R> the answer type
   * @param <E> the environment type
   * @return the pool
   */
  public <Q, R, E> FullPool<Q, R, E> asFullPool() {
    return new PoolFace<>(this, "FullPool");
  }
}
