package dev.nproc.pool.internal.worker;

import dev.nproc.core.Codec;
import dev.nproc.core.CodecException;
import dev.nproc.core.FullFunction;
import dev.nproc.core.SerializableConsumer;
import dev.nproc.core.SerializableFunction;
import dev.nproc.core.Service;
import dev.nproc.core.ServiceException;
import dev.nproc.core.TaskFailedException;
import dev.nproc.core.WorkerInfo;
import dev.nproc.core.internal.wire.Cancel;
import dev.nproc.core.internal.wire.Failure;
import dev.nproc.core.internal.wire.FrameWriter;
import dev.nproc.core.internal.wire.FunctionCache;
import dev.nproc.core.internal.wire.Init;
import dev.nproc.core.internal.wire.Link;
import dev.nproc.core.internal.wire.MasterBound;
import dev.nproc.core.internal.wire.Ready;
import dev.nproc.core.internal.wire.Result;
import dev.nproc.core.internal.wire.Revoke;
import dev.nproc.core.internal.wire.Revoked;
import dev.nproc.core.internal.wire.ServiceReply;
import dev.nproc.core.internal.wire.ServiceRequest;
import dev.nproc.core.internal.wire.Shutdown;
import dev.nproc.core.internal.wire.Task;
import dev.nproc.core.internal.wire.WorkerBound;
import dev.nproc.core.internal.wire.WorkerInbox;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's loop: what it does with each message of its master, and the thread that runs its
 * tasks.
 *
 * <h2>Concurrency</h2>
 * Two threads. The main thread reads the link ({@link #run}) and only sorts messages, as this
 * {@link WorkerInbox}: tasks and the init go to the job queue, service replies complete the
 * waiting request, a revoke takes a task back out of the job queue if it is still there. The task
 * thread runs jobs one at a time, in the order received. A job leaves the queue either by the task
 * thread's {@code take} or by a revoke's {@code remove}, never both: the deque's lock decides, so a
 * task runs at most once. Each thread sends its own frames on the link, which writes and flushes
 * them on that thread: a result never waits behind the next task.
 *
 * <h2>Cancellation</h2>
 * A cancel takes a queued task out as a revoke does (the master gets {@code REVOKED}: it never
 * ran), or interrupts the task thread if that task is the one running. {@link #running} says which
 * task runs; the task thread sets it before it starts a task and clears it, together with any
 * interrupt left over, after it sent the outcome, both under {@link #runLock}, and the main thread
 * interrupts only under the same lock: an interrupt never reaches another task than the cancelled
 * one.
 */
final class WorkerLoop implements WorkerInbox {
  private final Codec codec;
  private final int maxMessageSize;
  private final Link<MasterBound, WorkerBound> link;
  private final long pid;
  private final LinkedBlockingDeque<Runnable> jobs = new LinkedBlockingDeque<>();
  private final Map<Long, Runnable> queuedTasks = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<ServiceReply>> requests = new ConcurrentHashMap<>();
  private final AtomicLong nextRequestId = new AtomicLong(1);
  /** Read and written by the main thread only. */
  private final FunctionCache<CachedFunction> functions = new FunctionCache<>();
  /** Written by the init job, read by later jobs: all on the task thread. */
  private Object env;
  private final Object runLock = new Object();
  /** The task the task thread runs, or 0. Guarded by {@link #runLock}. */
  private long running;
  private Thread taskThread;

  WorkerLoop(Codec codec, int maxMessageSize, Link<MasterBound, WorkerBound> link, long pid) {
    this.codec = codec;
    this.maxMessageSize = maxMessageSize;
    this.link = link;
    this.pid = pid;
  }

  /** Starts the task thread and reads the master's messages on this thread until the end. Never returns. */
  void run() {
    taskThread = new Thread(this::runJobs, "nproc-worker-task");
    taskThread.setDaemon(true); // the reader decides when the worker ends
    taskThread.start();
    try {
      link.receive(this::handle);
    } catch (Throwable e) {
      // Anything, an Error included: a worker that cannot read its master must not linger.
      System.err.println("nproc worker: cannot go on reading the master's frames: " + e);
      Runtime.getRuntime().halt(WorkerMain.EXIT_PROTOCOL_ERROR);
    }
    // The master closed our stdin: it is gone, or it terminated the pool.
    Runtime.getRuntime().halt(WorkerMain.EXIT_MASTER_GONE);
  }

  private void handle(List<WorkerBound> batch) {
    for (WorkerBound message : batch) {
      message.deliverTo(this);
    }
  }

  @Override
  public void init(Init init) {
    jobs.add(() -> runInit(init));
  }

  @Override
  public void task(Task task) {
    CachedFunction function;
    if (task.function().length > 0) {
      function = new CachedFunction(task.function());
      functions.store(task.functionId(), function, task.function().length);
    } else {
      function = functions.lookUp(task.functionId());
      if (function == null) {
        function = CachedFunction.missing(task.functionId());
      }
    }
    CachedFunction f = function;
    Runnable job = () -> runTask(task, f);
    queuedTasks.put(task.taskId(), job);
    jobs.add(job);
  }

  @Override
  public void serviceReply(ServiceReply reply) {
    CompletableFuture<ServiceReply> waiting = requests.remove(reply.requestId());
    if (waiting != null) {
      waiting.complete(reply);
    }
  }

  @Override
  public void revoke(Revoke revoke) {
    long taskId = revoke.taskId();
    Runnable job = queuedTasks.get(taskId);
    if (job != null && jobs.remove(job)) {
      queuedTasks.remove(taskId);
      link.send(new Revoked(taskId));
    }
  }

  @Override
  public void cancel(Cancel cancel) {
    long taskId = cancel.taskId();
    Runnable job = queuedTasks.get(taskId);
    if (job != null && jobs.remove(job)) {
      queuedTasks.remove(taskId);
      link.send(new Revoked(taskId));
      return;
    }
    synchronized (runLock) {
      if (running == taskId) {
        taskThread.interrupt();
      }
    }
  }

  @Override
  public void shutdown(Shutdown shutdown) {
    jobs.add(() -> System.exit(0)); // every job before it is done, and its frame written
    awaitExit();
  }

  /**
   * Stops reading after SHUTDOWN, the master's last frame, and waits for the shutdown job to end
   * the JVM. A thread blocked in a native read of stdin would make that exit wait about 300 ms:
   * the JVM waits for threads in native code to stop before it exits. Nothing is lost: the
   * master sends SHUTDOWN only to a worker that holds no task, and the watch on the parent
   * process still ends the worker if the master goes now.
   */
  private static void awaitExit() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // keep waiting: only the shutdown job ends this worker
      }
    }
  }

  /**
   * The task thread. A job reports its own failures; anything that still escapes one (a bug of
   * nproc's, an error while writing) would leave the master waiting for an answer that never
   * comes, so the worker exits instead: its task then fails as a death and the worker is replaced.
   */
  private void runJobs() {
    while (true) {
      Runnable job;
      try {
        job = jobs.take();
      } catch (InterruptedException e) {
        continue;
      }
      try {
        job.run();
      } catch (Throwable e) {
        try {
          System.err.println("nproc worker: the task thread cannot go on: " + e.getClass().getName());
        } finally {
          Runtime.getRuntime().halt(WorkerMain.EXIT_TASK_THREAD_DIED);
        }
      }
    }
  }

  /** Decodes the environment and runs the init hook, then reports ready; or reports the failure and exits. */
  private void runInit(Init init) {
    try {
      if (init.env().length > 0) {
        env = codec.decode(init.env(), 0, init.env().length);
      }
      if (init.init().length > 0) {
        @SuppressWarnings("unchecked")
        SerializableConsumer<WorkerInfo> hook =
            (SerializableConsumer<WorkerInfo>) codec.decode(init.init(), 0, init.init().length);
        hook.accept(new WorkerInfo(init.workerId(), pid, init.generation()));
      }
      link.send(new Ready(pid));
    } catch (Throwable t) {
      link.send(failure(Failure.INIT_TASK_ID, TaskFailedException.Kind.TASK_THREW, t));
      System.exit(WorkerMain.EXIT_INIT_FAILED);
    }
  }

  /** Runs one task and sends its result or failure. */
  private void runTask(Task task, CachedFunction function) {
    long taskId = task.taskId();
    queuedTasks.remove(taskId);
    synchronized (runLock) {
      running = taskId;
    }
    try {
      runAndReport(task, function);
    } finally {
      synchronized (runLock) {
        running = 0;
        Thread.interrupted(); // a cancel that came as the task ended must not reach the next one
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void runAndReport(Task task, CachedFunction function) {
    long taskId = task.taskId();
    Object result;
    try {
      Object f = function.get(codec);
      Object arg;
      byte[] argument = task.argument();
      try {
        arg = task.rawArgument() ? argument : codec.decode(argument, 0, argument.length);
      } catch (CodecException e) {
        throw new CodecException("cannot decode the task's argument in the worker: " + e.getMessage(),
            e.culprit(), e);
      }
      if (f instanceof FullFunction full) {
        result = full.apply(new WorkerService(taskId), env, arg);
      } else if (f instanceof SerializableFunction plain) {
        result = plain.apply(arg);
      } else {
        throw new IllegalArgumentException("not a function: " + (f == null ? "null" : f.getClass().getName()));
      }
    } catch (Throwable t) {
      link.send(failure(taskId, TaskFailedException.Kind.TASK_THREW, t));
      return;
    }
    // A byte[] result goes as it is, without the codec, and without a copy: it is written
    // before this thread runs anything else.
    boolean rawValue = result instanceof byte[];
    byte[] value;
    try {
      value = rawValue ? (byte[]) result : codec.encode(result);
    } catch (Throwable t) {
      link.send(failure(taskId, TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE, t));
      return;
    }
    if (!FrameWriter.fits(value.length, maxMessageSize)) {
      link.send(failure(taskId, TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE,
          new IllegalArgumentException("the result (" + result.getClass().getName() + ") takes " + value.length
              + " bytes, more than maxMessageSize (" + maxMessageSize + " bytes)")));
      return;
    }
    link.send(new Result(taskId, value, rawValue));
  }

  /** The {@link Service} handed to a Full task: one request at a time, from the task's thread. */
  private final class WorkerService implements Service<Object, Object> {
    private final long taskId;

    WorkerService(long taskId) {
      this.taskId = taskId;
    }

    @Override
    public Object request(Object q) {
      byte[] bytes;
      try {
        bytes = codec.encode(q);
      } catch (CodecException e) {
        throw new ServiceException("cannot serialize the request: " + e.getMessage());
      }
      if (!FrameWriter.fits(bytes.length, maxMessageSize)) {
        throw new ServiceException("the request takes " + bytes.length + " bytes, more than maxMessageSize ("
            + maxMessageSize + " bytes)");
      }
      long requestId = nextRequestId.getAndIncrement();
      CompletableFuture<ServiceReply> answer = new CompletableFuture<>();
      requests.put(requestId, answer);
      link.send(new ServiceRequest(taskId, requestId, bytes));
      ServiceReply reply;
      try {
        reply = answer.get(); // unlike join, a cancel's interrupt ends the wait
      } catch (InterruptedException e) {
        requests.remove(requestId); // a late answer is dropped
        Thread.currentThread().interrupt();
        throw new ServiceException("interrupted while waiting for the master's answer (the task was cancelled)");
      } catch (ExecutionException e) {
        throw new ServiceException("the master's answer failed: " + e.getCause());
      }
      if (reply.error() != null) {
        throw new ServiceException(reply.error());
      }
      try {
        return codec.decode(reply.response(), 0, reply.response().length);
      } catch (CodecException e) {
        throw new ServiceException("cannot decode the master's answer: " + e.getMessage());
      }
    }
  }

  private Failure failure(long taskId, TaskFailedException.Kind kind, Throwable t) {
    return FailureReport.of(taskId, kind, t, codec, maxMessageSize);
  }
}
