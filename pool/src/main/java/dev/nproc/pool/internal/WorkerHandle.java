package dev.nproc.pool.internal;

import dev.nproc.core.TaskFailedException;
import dev.nproc.core.WorkerInfo;
import dev.nproc.core.internal.wire.FrameReader;
import dev.nproc.core.internal.wire.FrameSender;
import dev.nproc.core.internal.wire.FunctionCache;
import dev.nproc.core.internal.wire.Hello;
import dev.nproc.core.internal.wire.Message;
import dev.nproc.core.internal.wire.MessageKind;
import dev.nproc.core.internal.wire.ProtocolException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's side of one worker process: the process, the thread that sends it frames, the
 * thread that reads its frames, and the pump of its stderr.
 *
 * <p>Concurrency: the reader thread is the only one that reads the worker's stdout; it hands
 * each message to the engine, and when the stream ends (or breaks) it reaps the process and
 * tells the engine once, in {@link PoolEngine#onWorkerExit}. Every mutable field below is guarded
 * by the engine's lock.
 */
final class WorkerHandle {
  private static final Logger TRACE = LoggerFactory.getLogger("dev.nproc.wire");

  enum State { STARTING, READY, RETIRING, DEAD }

  /** The most frames the reader hands to the engine at once. */
  private static final int MAX_BATCH = 256;

  final int slot;
  final int generation;
  final Process process;
  final long pid;
  final FrameSender sender;
  final StderrPump stderr;
  final CompletableFuture<Void> startup = new CompletableFuture<>();
  /** What the worker was launched with for class-data sharing. */
  final ClassDataArchive.Launch classData;
  /** Whether the worker has answered a task; written and read by the reader thread only. */
  volatile boolean answered;

  // guarded by the engine's lock
  State state = State.STARTING;
  final LinkedHashMap<Long, PendingTask> inFlight = new LinkedHashMap<>();
  final FunctionCache<Boolean> functions = new FunctionCache<>();
  /** Tasks handed to this worker, for maxTasksPerWorker. */
  int tasksAssigned;
  /** The task a revoke was sent for, or 0. */
  long revoking;
  /** Set when the master kills the worker on purpose: the kind its running task fails with. */
  TaskFailedException.Kind killKind;
  String killReason;
  /** The init hook's failure as the worker reported it, or {@code null}. */
  String initFailure;
  ScheduledFuture<?> startupTimer;

  WorkerHandle(PoolEngine engine, int slot, int generation, Process process, ClassDataArchive.Launch classData) {
    this.slot = slot;
    this.classData = classData;
    this.generation = generation;
    this.process = process;
    this.pid = process.pid();
    String name = engine.options.name();
    this.stderr = new StderrPump(process.getErrorStream(), engine.options.workerOutput(),
        "[" + name + " worker " + slot + "] ",
        engine.options.workerOutput().directory() == null ? null
            : engine.options.workerOutput().directory().resolve(name + "-worker-" + slot + ".log"),
        name + "-stderr-" + slot);
    this.sender = new FrameSender(new BufferedOutputStream(process.getOutputStream(), 1 << 16),
        engine.options.maxMessageSize(), name + "-sender-" + slot, "worker " + slot + " (pid " + pid + ")",
        e -> { /* the worker is gone or going; the reader sees the end of its stream */ });
    Thread reader = new Thread(() -> read(engine), name + "-reader-" + slot);
    reader.setDaemon(true);
    reader.start();
  }

  WorkerInfo info() {
    return new WorkerInfo(slot, pid, generation);
  }

  private void read(PoolEngine engine) {
    String cause = null;
    FrameReader reader = new FrameReader(FrameReader.buffered(process.getInputStream(), 1 << 16),
        engine.options.maxMessageSize());
    boolean trace = TRACE.isDebugEnabled();
    try {
      Message first = reader.read();
      if (first != null) {
        if (first.kind() != MessageKind.HELLO) {
          throw new ProtocolException("expected HELLO first, got " + first.kind());
        }
        ((Hello) first).check();
        if (trace) {
          TRACE.debug("from worker {} (pid {}): {}", slot, pid, first);
        }
        // Every frame that arrived together is handled as one batch: one lock, one hand-off.
        List<Message> batch = new ArrayList<>();
        for (Message m = reader.read(); m != null; m = reader.read()) {
          batch.add(m);
          Exception broken = null; // a bad frame after good ones: the good ones are handled first
          try {
            while (batch.size() < MAX_BATCH && reader.hasBufferedInput()) {
              batch.add(reader.read());
            }
          } catch (IOException | RuntimeException e) {
            broken = e;
          }
          if (trace) {
            for (Message b : batch) {
              TRACE.debug("from worker {} (pid {}): {}", slot, pid, b);
            }
          }
          engine.onMessages(this, batch);
          batch.clear();
          if (broken instanceof IOException e) {
            throw e;
          } else if (broken != null) {
            throw (RuntimeException) broken;
          }
        }
      }
    } catch (ProtocolException e) {
      cause = e.getMessage();
      kill();
    } catch (IOException e) {
      cause = "reading its output failed: " + e;
      kill();
    } catch (RuntimeException | Error e) {
      cause = "nproc failed handling its messages: " + e;
      engine.logError("worker " + slot + " (pid " + pid + "): " + cause, e);
      kill();
    }
    int exitCode = reap();
    stderr.awaitEnd(500);
    engine.onWorkerExit(this, exitCode, cause);
  }

  /** Waits for the process to exit, killing it if it lingers after its stdout closed. */
  private int reap() {
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        kill();
        process.waitFor();
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      return -1;
    }
  }

  /** Kills the process and any children it started. Never blocks. */
  void kill() {
    try {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
    } catch (RuntimeException e) {
      // listing descendants can fail on some platforms; the worker itself is what matters
    }
    process.destroyForcibly();
  }

  /** The tasks in flight, oldest first: the first is the one the worker runs (or will run next). */
  List<PendingTask> drainInFlight() {
    List<PendingTask> tasks = new ArrayList<>(inFlight.values());
    inFlight.clear();
    return tasks;
  }
}
