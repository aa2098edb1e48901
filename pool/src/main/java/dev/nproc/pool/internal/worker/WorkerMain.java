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
import dev.nproc.core.internal.wire.Failure;
import dev.nproc.core.internal.wire.FrameReader;
import dev.nproc.core.internal.wire.FrameWriter;
import dev.nproc.core.internal.wire.FunctionCache;
import dev.nproc.core.internal.wire.Hello;
import dev.nproc.core.internal.wire.Init;
import dev.nproc.core.internal.wire.Message;
import dev.nproc.core.internal.wire.MessageKind;
import dev.nproc.core.internal.wire.Ready;
import dev.nproc.core.internal.wire.Result;
import dev.nproc.core.internal.wire.Revoke;
import dev.nproc.core.internal.wire.ServiceReply;
import dev.nproc.core.internal.wire.ServiceRequest;
import dev.nproc.core.internal.wire.Task;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main class of a worker process. The master starts it as
 * {@code java <flags> -cp <classpath> dev.nproc.pool.internal.worker.WorkerMain <codec class> <maxMessageSize>}.
 *
 * <p>Concurrency: two threads. The main thread reads frames from stdin and only sorts them:
 * tasks and the init go to the job queue, service replies complete the waiting request,
 * a revoke takes a task back out of the job queue if it is still there. The task thread runs
 * jobs one at a time, in the order received. A job leaves the queue either by the task thread's
 * {@code take} or by a revoke's {@code remove}, never both: the deque's lock decides, so a task
 * runs at most once. Each thread writes its own frames to the real stdout (kept for frames only:
 * {@code System.out} is pointed at stderr, so no {@code println} can corrupt the stream), one
 * frame at a time under the {@link Output}'s lock, flushed at once: a result never waits behind
 * the next task, and no thread hand-off is paid for it. The master reads its workers' output
 * all the time, so a write blocks only while the pipe drains.
 *
 * <p>The worker dies with its master: at the end of stdin it halts at once, and a watch on the
 * parent process halts it too.
 */
public final class WorkerMain {
  /** Exit code of a worker whose init hook failed. */
  public static final int EXIT_INIT_FAILED = 3;
  /** Exit code of a worker that saw its master go. */
  public static final int EXIT_MASTER_GONE = 4;
  /** Exit code of a worker that read something that is not the protocol. */
  public static final int EXIT_PROTOCOL_ERROR = 5;

  private final Codec codec;
  private final int maxMessageSize;
  private final Output output;
  private final LinkedBlockingDeque<Job> jobs = new LinkedBlockingDeque<>();
  private final Map<Long, Job> queuedTasks = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<ServiceReply>> requests = new ConcurrentHashMap<>();
  private final AtomicLong nextRequestId = new AtomicLong(1);
  private final FunctionCache<FunctionEntry> functions = new FunctionCache<>();
  private final long pid = ProcessHandle.current().pid();
  private Object env;

  private WorkerMain(Codec codec, int maxMessageSize, Output output) {
    this.codec = codec;
    this.maxMessageSize = maxMessageSize;
    this.output = output;
  }

  /**
   * Runs a worker.
   *
   * @param args the codec's class name and the largest message size
   */
  public static void main(String[] args) {
    FileOutputStream frames = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    watchParent();
    if (args.length != 2) {
      System.err.println("usage: WorkerMain <codec class> <maxMessageSize>; this class is started by an nproc pool");
      System.exit(2);
    }
    Codec codec;
    try {
      codec = (Codec) Class.forName(args[0]).getConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      System.err.println("nproc worker: cannot create codec " + args[0] + ": " + e);
      System.exit(2);
      return;
    }
    int max = Integer.parseInt(args[1]);
    // FST's configuration (needed to decode the first task, or the init hook) and Chronicle's
    // first use (needed for HELLO) are the two slow steps of a worker's start-up: run them side
    // by side, so that the codec is ready by the time the first task arrives. The value must take
    // the codec's general path: null, numbers and strings have short cuts that skip FST.
    Thread warmUp = new Thread(() -> {
      try {
        byte[] bytes = codec.encode(new Object[] {1, "nproc"});
        codec.decode(bytes, 0, bytes.length);
      } catch (RuntimeException e) {
        // a broken codec is reported by the job that needs it
      }
    }, "nproc-worker-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    Output output = new Output(new FrameWriter(new BufferedOutputStream(frames, 1 << 16), max));
    WorkerMain worker = new WorkerMain(codec, max, output);
    output.send(new Hello(worker.pid, System.getProperty("java.version")));
    Thread taskThread = new Thread(worker::runJobs, "nproc-worker-task");
    taskThread.setDaemon(true); // the reader decides when the worker ends
    taskThread.start();
    worker.readFrames(new FrameReader(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16), max));
  }

  private static void watchParent() {
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
      System.err.println("nproc worker: the master process is gone; exiting");
      Runtime.getRuntime().halt(EXIT_MASTER_GONE);
    }));
  }

  private void readFrames(FrameReader reader) {
    try {
      for (Message message = reader.read(); message != null; message = reader.read()) {
        switch (message.kind()) {
          case INIT -> jobs.add(new InitJob((Init) message));
          case TASK -> receiveTask((Task) message);
          case SERVICE_REPLY -> {
            ServiceReply reply = (ServiceReply) message;
            CompletableFuture<ServiceReply> waiting = requests.remove(reply.requestId());
            if (waiting != null) {
              waiting.complete(reply);
            }
          }
          case REVOKE -> {
            long taskId = ((Revoke) message).taskId();
            Job job = queuedTasks.get(taskId);
            if (job != null && jobs.remove(job)) {
              queuedTasks.remove(taskId);
              output.send(new Revoke(MessageKind.REVOKED, taskId));
            }
          }
          case SHUTDOWN -> {
            jobs.add(new ShutdownJob());
            awaitExit();
          }
          default -> throw new IllegalStateException("a worker does not expect " + message.kind());
        }
      }
    } catch (Throwable e) {
      // Anything, an Error included: a worker that cannot read its master must not linger.
      System.err.println("nproc worker: cannot go on reading the master's frames: " + e);
      Runtime.getRuntime().halt(EXIT_PROTOCOL_ERROR);
    }
    // The master closed our stdin: it is gone, or it terminated the pool.
    Runtime.getRuntime().halt(EXIT_MASTER_GONE);
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

  private void receiveTask(Task task) {
    FunctionEntry function;
    if (task.function().length > 0) {
      function = new FunctionEntry(task.function());
      functions.store(task.functionId(), function);
    } else {
      function = functions.lookUp(task.functionId());
      if (function == null) {
        function = FunctionEntry.missing(task.functionId());
      }
    }
    TaskJob job = new TaskJob(task, function);
    queuedTasks.put(task.taskId(), job);
    jobs.add(job);
  }

  private void runJobs() {
    while (true) {
      Job job;
      try {
        job = jobs.take();
      } catch (InterruptedException e) {
        continue;
      }
      if (job instanceof TaskJob task) {
        queuedTasks.remove(task.taskId);
      }
      job.run();
    }
  }

  /** Something the task thread does, in order. */
  private interface Job {
    void run();
  }

  /** Decodes the environment and runs the init hook, then reports ready; or reports the failure and exits. */
  private final class InitJob implements Job {
    private final Init init;

    InitJob(Init init) {
      this.init = init;
    }

    @Override
    public void run() {
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
        output.send(new Ready(pid));
      } catch (Throwable t) {
        output.send(failure(Failure.INIT_TASK_ID, TaskFailedException.Kind.TASK_THREW, t));
        System.exit(EXIT_INIT_FAILED);
      }
    }
  }

  /** Finishes: every job before it is done, and its frame written; exit. */
  private static final class ShutdownJob implements Job {
    @Override
    public void run() {
      System.exit(0);
    }
  }

  /** Runs one task and sends its result or failure. */
  private final class TaskJob implements Job {
    private final long taskId;
    private final FunctionEntry function;
    private final Task task;

    TaskJob(Task task, FunctionEntry function) {
      this.taskId = task.taskId();
      this.function = function;
      this.task = task;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void run() {
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
        output.send(failure(taskId, TaskFailedException.Kind.TASK_THREW, t));
        return;
      }
      // A byte[] result goes as it is, without the codec, and without a copy: it is written
      // before this thread runs anything else.
      boolean rawValue = result instanceof byte[];
      byte[] value;
      try {
        value = rawValue ? (byte[]) result : codec.encode(result);
      } catch (Throwable t) {
        output.send(failure(taskId, TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE, t));
        return;
      }
      if (value.length > maxMessageSize - 64) {
        output.send(failure(taskId, TaskFailedException.Kind.RESULT_NOT_SERIALIZABLE,
            new IllegalArgumentException("the result (" + result.getClass().getName() + ") takes " + value.length
                + " bytes, more than maxMessageSize (" + maxMessageSize + " bytes)")));
        return;
      }
      output.send(new Result(taskId, value, rawValue));
    }
  }

  /**
   * The worker's stdout: each frame written and flushed by the thread that has it, under this
   * object's lock. A failed write means the master is gone: the worker halts.
   */
  private static final class Output {
    private static final Logger TRACE = LoggerFactory.getLogger("dev.nproc.wire");
    private final FrameWriter writer;
    private final boolean trace = TRACE.isDebugEnabled();

    Output(FrameWriter writer) {
      this.writer = writer;
    }

    synchronized void send(Message message) {
      if (trace) {
        TRACE.debug("to master: {}", message);
      }
      try {
        writer.write(message);
        writer.flush();
      } catch (IOException | RuntimeException e) {
        System.err.println("nproc worker: cannot write to the master: " + e);
        Runtime.getRuntime().halt(EXIT_MASTER_GONE);
      }
    }
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
      if (bytes.length > maxMessageSize - 64) {
        throw new ServiceException("the request takes " + bytes.length + " bytes, more than maxMessageSize ("
            + maxMessageSize + " bytes)");
      }
      long requestId = nextRequestId.getAndIncrement();
      CompletableFuture<ServiceReply> answer = new CompletableFuture<>();
      requests.put(requestId, answer);
      output.send(new ServiceRequest(taskId, requestId, bytes));
      ServiceReply reply = answer.join();
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
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    byte[] encoded;
    try {
      encoded = codec.encode(t);
    } catch (Throwable e) {
      encoded = new byte[0];
    }
    if (encoded.length > maxMessageSize / 2) {
      encoded = new byte[0];
    }
    return new Failure(taskId, kind, t.getClass().getName(), t.getMessage(), trace.toString(), encoded);
  }

  /** A function in the worker's cache: its bytes, decoded on first use on the task thread. */
  private static final class FunctionEntry {
    private final byte[] bytes;
    private final long missingId;
    private Object function;
    private CodecException error;

    FunctionEntry(byte[] bytes) {
      this.bytes = bytes;
      this.missingId = FunctionCache.UNCACHED;
    }

    private FunctionEntry(long missingId) {
      this.bytes = null;
      this.missingId = missingId;
    }

    static FunctionEntry missing(long functionId) {
      return new FunctionEntry(functionId);
    }

    Object get(Codec codec) {
      if (function != null) {
        return function;
      }
      if (error == null) {
        if (bytes == null) {
          error = new CodecException("the worker does not hold function " + missingId
              + " (nproc's function cache is out of step: a bug)", null, null);
        } else {
          try {
            function = codec.decode(bytes, 0, bytes.length);
            return function;
          } catch (CodecException e) {
            error = new CodecException("cannot load the task's function in the worker: " + e.getMessage(),
                e.culprit(), e);
          }
        }
      }
      throw error;
    }
  }
}
