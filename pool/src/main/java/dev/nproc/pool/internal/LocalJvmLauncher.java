package dev.nproc.pool.internal;

import dev.nproc.core.internal.wire.Link;
import dev.nproc.core.internal.wire.MasterBound;
import dev.nproc.core.internal.wire.StreamLink;
import dev.nproc.core.internal.wire.WorkerBound;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts workers as child JVMs of this process, connected through their stdin and stdout. Each
 * worker's stderr is pumped to where the pool's output setting says, and the last lines are kept
 * for death reports. The processes a worker's tasks start end with the worker, however it ends
 * ({@link ChildProcesses}). The first workers of a pool may write a class-data archive at exit, which
 * later workers map ({@link ClassDataArchive}).
 *
 * <p>Thread-safe: {@link #launch} may run on several threads at once.
 */
final class LocalJvmLauncher implements WorkerLauncher {
  /** How long a worker told to exit may take before it is killed. */
  static final Duration EXIT_GRACE = Duration.ofSeconds(5);
  /** The same for a worker that writes the class-data archive at exit, which takes a moment more. */
  static final Duration DUMPING_EXIT_GRACE = Duration.ofSeconds(20);

  private final EngineConfig config;
  private final WorkerCommand command;
  private final ClassDataArchive classData;

  LocalJvmLauncher(EngineConfig config) {
    this.config = config;
    WorkerCommand given = new WorkerCommand(config);
    ProcessBuilder template = builder(given.command());
    this.classData = ClassDataArchive.forWorkers(config.name(), given, template.environment(),
        config.workingDirectory(), config.infoLog());
    this.command = classData.command(); // the classpath's folders packed into jars when there is an archive
  }

  private ProcessBuilder builder(List<String> cmd) {
    ProcessBuilder builder = new ProcessBuilder(cmd);
    builder.environment().putAll(config.environment());
    if (config.workingDirectory() != null) {
      builder.directory(config.workingDirectory().toFile());
    }
    return builder;
  }

  @Override
  public WorkerConnection launch(int slot, int generation) throws LaunchException {
    ClassDataArchive.Launch cds = classData.nextLaunch();
    ProcessBuilder builder = builder(command.command(cds.flags()));
    Process process;
    try {
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      classData.workerGone(cds, false);
      throw new LaunchException("cannot start the worker JVM (" + builder.command().get(0) + "): " + e.getMessage(), e);
    }
    try {
      return new LocalJvm(slot, process, cds);
    } catch (RuntimeException | LinkageError e) {
      // such as Chronicle failing to load in this JVM: a failed start, never a start that hangs
      process.destroyForcibly();
      classData.workerGone(cds, false);
      throw new LaunchException("cannot connect to the worker JVM: " + e, e);
    }
  }

  /** One worker process. */
  private final class LocalJvm implements WorkerConnection {
    private final Process process;
    private final ClassDataArchive.Launch cds;
    private final StderrPump stderr;
    private final StreamLink<WorkerBound, MasterBound> link;
    private final ChildProcesses children;

    LocalJvm(int slot, Process process, ClassDataArchive.Launch cds) {
      this.process = process;
      this.cds = cds;
      this.children = config.endChildProcesses() ? new ChildProcesses(process) : null;
      String name = config.name();
      Path file = config.outputDirectory() == null ? null
          : config.outputDirectory().resolve(name + "-worker-" + slot + ".log");
      this.stderr = new StderrPump(process.getErrorStream(), config.discardOutput(),
          "[" + name + " worker " + slot + "] ", file, name + "-stderr-" + slot);
      PipeBuffers.Watch pipes = new PipeBuffers.Watch(slot, process.pid());
      this.link = StreamLink.toWorker(pipes.fromWorker(process.getInputStream()),
          pipes.toWorker(process.getOutputStream()), config.maxMessageSize(),
          name + "-sender-" + slot, "worker " + slot + " (pid " + process.pid() + ")",
          e -> { /* the worker is gone or going; the reader sees the end of its stream */ });
    }

    @Override
    public Link<WorkerBound, MasterBound> link() {
      return link;
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public void kill() {
      if (children != null) {
        children.endAll();
      }
      process.destroyForcibly();
    }

    @Override
    public void onExit(Runnable action) {
      process.onExit().thenRun(action);
    }

    @Override
    public Exit awaitExit(boolean orderly) {
      link.close(); // ends the sender thread: the pipe is closed or closing
      if (children != null) {
        children.endAll(); // what its tasks started ends with it, however it ended
      }
      int code;
      try {
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
          kill();
          process.waitFor();
        }
        code = process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
        code = -1;
      }
      stderr.awaitEnd(500);
      classData.workerGone(cds, orderly && code == 0);
      return new Exit(code, stderr.lastLines());
    }

    @Override
    public Duration exitGrace() {
      return cds.dumps() ? DUMPING_EXIT_GRACE : EXIT_GRACE;
    }
  }
}
