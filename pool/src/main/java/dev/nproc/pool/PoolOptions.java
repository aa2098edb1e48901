package dev.nproc.pool;

import dev.nproc.core.Codec;
import dev.nproc.core.SerializableConsumer;
import dev.nproc.core.WorkerInfo;
import dev.nproc.core.internal.ErrorSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a pool starts, feeds and supervises its workers. Built by {@link #builder()}; every
 * setting has a default, listed on the builder's methods.
 *
 * <p>Immutable and thread-safe.
 */
public final class PoolOptions {
  private static final Logger LOG = LoggerFactory.getLogger("dev.nproc.pool");
  private static final PoolOptions DEFAULTS = builder().build();

  /** The default largest message between master and worker: 512 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 512 << 20;

  /**
   * The default most tasks a worker holds at once: the one it runs and the ones waiting in its
   * pipe, sent ahead to hide the pipe's round trip. An idle worker never waits for them: the pool
   * takes back a task a busy worker has not started.
   */
  public static final int DEFAULT_PIPELINE_DEPTH = 8;

  /** The default most bytes of arguments a worker holds in its pipeline: 8 MiB. */
  public static final long DEFAULT_PIPELINE_BYTES = 8L << 20;

  /** The default most tasks submitted and not finished before {@code submit} waits: 100,000. */
  public static final int DEFAULT_MAX_PENDING_TASKS = 100_000;

  /**
   * Returns the default most bytes of arguments held for tasks submitted and not finished before
   * {@code submit} waits: an eighth of this JVM's largest heap (a large array can take twice its
   * size in the heap), at least 8 MiB and at most 1 GiB.
   *
   * @return the default, in bytes
   */
  public static long defaultMaxPendingBytes() {
    return Math.max(8L << 20, Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 8));
  }

  private final SerializableConsumer<WorkerInfo> init;
  private final List<String> jvmArgs;
  private final Path javaHome;
  private final String classpath;
  private final Map<String, String> environment;
  private final Path workingDirectory;
  private final String name;
  private final WorkerOutput workerOutput;
  private final Duration taskTimeout;
  private final Duration cancelGrace;
  private final boolean endChildProcesses;
  private final int maxTasksPerWorker;
  private final boolean respawn;
  private final Duration startupTimeout;
  private final int maxMessageSize;
  private final int pipelineDepth;
  private final long pipelineBytes;
  private final int maxPendingTasks;
  private final long maxPendingBytes;
  private final Codec codec;
  private final Consumer<WorkerFailure> onWorkerFailure;
  private final Consumer<String> errorLog;
  private final Consumer<String> infoLog;
  private final Function<Throwable, String> exceptionFormatter;

  private PoolOptions(Builder b) {
    init = b.init;
    jvmArgs = b.jvmArgs;
    javaHome = b.javaHome;
    classpath = b.classpath;
    environment = b.environment;
    workingDirectory = b.workingDirectory;
    name = b.name;
    workerOutput = b.workerOutput;
    taskTimeout = b.taskTimeout;
    cancelGrace = b.cancelGrace;
    endChildProcesses = b.endChildProcesses;
    maxTasksPerWorker = b.maxTasksPerWorker;
    respawn = b.respawn;
    startupTimeout = b.startupTimeout;
    maxMessageSize = b.maxMessageSize;
    pipelineDepth = b.pipelineDepth;
    pipelineBytes = b.pipelineBytes;
    maxPendingTasks = b.maxPendingTasks;
    maxPendingBytes = b.maxPendingBytes;
    codec = b.codec;
    onWorkerFailure = b.onWorkerFailure;
    errorLog = b.errorLog;
    infoLog = b.infoLog;
    exceptionFormatter = b.exceptionFormatter;
  }

  /**
   * Returns the options with every setting at its default.
   *
   * @return the default options
   */
  public static PoolOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder with every setting at its default.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding these options' settings, each of which may be given once more to
   * change it: how a library adds a setting to options its caller made.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.init = init;
    b.jvmArgs = jvmArgs;
    b.javaHome = javaHome;
    b.classpath = classpath;
    b.environment = environment;
    b.workingDirectory = workingDirectory;
    b.name = name;
    b.workerOutput = workerOutput;
    b.taskTimeout = taskTimeout;
    b.cancelGrace = cancelGrace;
    b.endChildProcesses = endChildProcesses;
    b.maxTasksPerWorker = maxTasksPerWorker;
    b.respawn = respawn;
    b.startupTimeout = startupTimeout;
    b.maxMessageSize = maxMessageSize;
    b.pipelineDepth = pipelineDepth;
    b.pipelineBytes = pipelineBytes;
    b.maxPendingTasks = maxPendingTasks;
    b.maxPendingBytes = maxPendingBytes;
    b.codec = codec;
    b.onWorkerFailure = onWorkerFailure;
    b.errorLog = errorLog;
    b.infoLog = infoLog;
    b.exceptionFormatter = exceptionFormatter;
    return b;
  }

  /**
   * Returns the hook run in each worker before its first task, or {@code null} for none.
   *
   * @return the hook run in each worker before its first task, or {@code null} for none
   */
  public SerializableConsumer<WorkerInfo> init() {
    return init;
  }

  /**
   * Returns the user's extra JVM arguments for workers.
   *
   * @return the user's extra JVM arguments for workers
   */
  public List<String> jvmArgs() {
    return jvmArgs;
  }

  /**
   * Returns the JDK that runs workers, or {@code null} for the master's own.
   *
   * @return the JDK that runs workers, or {@code null} for the master's own
   */
  public Path javaHome() {
    return javaHome;
  }

  /**
   * Returns the workers' classpath, or {@code null} for the master's own.
   *
   * @return the workers' classpath, or {@code null} for the master's own
   */
  public String classpath() {
    return classpath;
  }

  /**
   * Returns variables added to the workers' environment.
   *
   * @return variables added to the workers' environment
   */
  public Map<String, String> environment() {
    return environment;
  }

  /**
   * Returns the workers' working directory, or {@code null} for the master's.
   *
   * @return the workers' working directory, or {@code null} for the master's
   */
  public Path workingDirectory() {
    return workingDirectory;
  }

  /**
   * Returns the pool's name, used in thread names, output prefixes and messages.
   *
   * @return the pool's name, used in thread names, output prefixes and messages
   */
  public String name() {
    return name;
  }

  /**
   * Returns where the workers' output goes.
   *
   * @return where the workers' output goes
   */
  public WorkerOutput workerOutput() {
    return workerOutput;
  }

  /**
   * Returns the longest a task may run, or {@code null} for no limit.
   *
   * @return the longest a task may run, or {@code null} for no limit
   */
  public Duration taskTimeout() {
    return taskTimeout;
  }

  /**
   * Returns how long a cancelled running task may take to stop before its worker is replaced.
   *
   * @return how long a cancelled running task may take to stop before its worker is replaced
   */
  public Duration cancelGrace() {
    return cancelGrace;
  }

  /**
   * Returns whether the processes a worker's tasks start end with the worker.
   *
   * @return whether they do
   */
  public boolean endChildProcesses() {
    return endChildProcesses;
  }

  /**
   * Returns how many tasks a worker runs before it is replaced, 0 for no limit.
   *
   * @return how many tasks a worker runs before it is replaced, 0 for no limit
   */
  public int maxTasksPerWorker() {
    return maxTasksPerWorker;
  }

  /**
   * Returns whether a dead worker is replaced.
   *
   * @return whether a dead worker is replaced
   */
  public boolean respawn() {
    return respawn;
  }

  /**
   * Returns the longest a worker may take from launch to ready.
   *
   * @return the longest a worker may take from launch to ready
   */
  public Duration startupTimeout() {
    return startupTimeout;
  }

  /**
   * Returns the largest message between master and worker, in bytes.
   *
   * @return the largest message between master and worker, in bytes
   */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /**
   * Returns the most tasks a worker holds at once.
   *
   * @return the most tasks a worker holds at once
   */
  public int pipelineDepth() {
    return pipelineDepth;
  }

  /**
   * Returns the most bytes of arguments a worker holds at once in its pipeline.
   *
   * @return the bound, in bytes
   */
  public long pipelineBytes() {
    return pipelineBytes;
  }

  /**
   * Returns the most tasks submitted and not finished before {@code submit} waits.
   *
   * @return the bound
   */
  public int maxPendingTasks() {
    return maxPendingTasks;
  }

  /**
   * Returns the most bytes of arguments held for tasks submitted and not finished before
   * {@code submit} waits.
   *
   * @return the bound, in bytes
   */
  public long maxPendingBytes() {
    return maxPendingBytes;
  }

  /**
   * Returns the payload codec.
   *
   * @return the payload codec
   */
  public Codec codec() {
    return codec;
  }

  /**
   * Returns the callback told of each unexpected worker death.
   *
   * @return the callback told of each unexpected worker death
   */
  public Consumer<WorkerFailure> onWorkerFailure() {
    return onWorkerFailure;
  }

  /**
   * Returns where error messages go.
   *
   * @return where error messages go
   */
  public Consumer<String> errorLog() {
    return errorLog;
  }

  /**
   * Returns where information messages go.
   *
   * @return where information messages go
   */
  public Consumer<String> infoLog() {
    return infoLog;
  }

  /**
   * Returns how exceptions are turned into text for the logs.
   *
   * @return how exceptions are turned into text for the logs
   */
  public Function<Throwable, String> exceptionFormatter() {
    return exceptionFormatter;
  }

  /** The default exception formatter: the stack trace, with a remote one where there is one. */
  static String formatException(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString().stripTrailing();
  }

  /**
   * Builds {@link PoolOptions}. Each setting may be given once; a setting given twice or out of
   * range is rejected at once with an {@link IllegalArgumentException} or
   * {@link IllegalStateException} that names it.
   *
   * <p>Not thread-safe: use a builder from one thread.
   */
  public static final class Builder {
    private final Set<String> given = new HashSet<>();
    private SerializableConsumer<WorkerInfo> init;
    private List<String> jvmArgs = List.of();
    private Path javaHome;
    private String classpath;
    private Map<String, String> environment = Map.of();
    private Path workingDirectory;
    private String name = "nproc";
    private WorkerOutput workerOutput = WorkerOutput.INHERIT;
    private Duration taskTimeout;
    private Duration cancelGrace = Duration.ofSeconds(1);
    private boolean endChildProcesses = true;
    private int maxTasksPerWorker;
    private boolean respawn = true;
    private Duration startupTimeout = Duration.ofSeconds(30);
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private int pipelineDepth = DEFAULT_PIPELINE_DEPTH;
    private long pipelineBytes = DEFAULT_PIPELINE_BYTES;
    private int maxPendingTasks = DEFAULT_MAX_PENDING_TASKS;
    private long maxPendingBytes = defaultMaxPendingBytes();
    private Codec codec = Codec.fst();
    private Consumer<WorkerFailure> onWorkerFailure = failure -> { };
    private Consumer<String> errorLog = ErrorSink.forLogger("dev.nproc.pool");
    private Consumer<String> infoLog = LOG::info;
    private Function<Throwable, String> exceptionFormatter = PoolOptions::formatException;

    private Builder() {}

    private void once(String setting) {
      if (!given.add(setting)) {
        throw new IllegalStateException("PoolOptions." + setting + " is given twice");
      }
    }

    private static <T> T nonNull(T value, String setting) {
      if (value == null) {
        throw new IllegalArgumentException("PoolOptions." + setting + " must not be null");
      }
      return value;
    }

    /**
     * Sets a hook run in each worker before its first task, and in each replacement worker. A
     * hook that throws fails the worker's start-up. Default: none.
     *
     * @param init the hook, told the worker's id, pid and generation
     * @return this builder
     */
    public Builder init(SerializableConsumer<WorkerInfo> init) {
      once("init");
      this.init = nonNull(init, "init");
      return this;
    }

    /**
     * Sets extra JVM arguments for workers, such as {@code -Xmx256m}; the flags nproc itself
     * needs are added for you. Default: none.
     *
     * @param jvmArgs the arguments
     * @return this builder
     */
    public Builder jvmArgs(List<String> jvmArgs) {
      once("jvmArgs");
      this.jvmArgs = List.copyOf(nonNull(jvmArgs, "jvmArgs"));
      return this;
    }

    /**
     * Sets the JDK that runs workers, which may differ from the master's (JDK 17 or later).
     * Default: the master's own {@code java.home}.
     *
     * @param javaHome the JDK's home folder, holding {@code bin/java}
     * @return this builder
     */
    public Builder javaHome(Path javaHome) {
      once("javaHome");
      this.javaHome = nonNull(javaHome, "javaHome");
      return this;
    }

    /**
     * Sets the workers' classpath; it must hold nproc, its dependencies and the task classes.
     * Default: the master's own {@code java.class.path}.
     *
     * @param classpath the classpath
     * @return this builder
     */
    public Builder classpath(String classpath) {
      once("classpath");
      this.classpath = nonNull(classpath, "classpath");
      return this;
    }

    /**
     * Sets variables added to the environment workers inherit from the master. Default: none.
     *
     * @param environment the variables
     * @return this builder
     */
    public Builder environment(Map<String, String> environment) {
      once("environment");
      this.environment = Map.copyOf(nonNull(environment, "environment"));
      return this;
    }

    /**
     * Sets the workers' working directory. Default: the master's.
     *
     * @param workingDirectory the folder
     * @return this builder
     */
    public Builder workingDirectory(Path workingDirectory) {
      once("workingDirectory");
      this.workingDirectory = nonNull(workingDirectory, "workingDirectory");
      return this;
    }

    /**
     * Sets the pool's name, seen in thread names, output prefixes and log messages.
     * Default: {@code "nproc"}.
     *
     * @param name a non-blank name
     * @return this builder
     */
    public Builder name(String name) {
      once("name");
      if (nonNull(name, "name").isBlank()) {
        throw new IllegalArgumentException("PoolOptions.name must not be blank");
      }
      this.name = name;
      return this;
    }

    /**
     * Sets where workers' output goes. Default: {@link WorkerOutput#INHERIT}.
     *
     * @param workerOutput the setting
     * @return this builder
     */
    public Builder workerOutput(WorkerOutput workerOutput) {
      once("workerOutput");
      this.workerOutput = nonNull(workerOutput, "workerOutput");
      return this;
    }

    /**
     * Sets the longest a task may run; a task that runs longer fails as timed out, and its
     * worker is killed and replaced. Default: no limit.
     *
     * @param taskTimeout a positive duration
     * @return this builder
     */
    public Builder taskTimeout(Duration taskTimeout) {
      once("taskTimeout");
      if (nonNull(taskTimeout, "taskTimeout").isNegative() || taskTimeout.isZero()) {
        throw new IllegalArgumentException("PoolOptions.taskTimeout must be positive, not " + taskTimeout);
      }
      this.taskTimeout = taskTimeout;
      return this;
    }

    /**
     * Sets whether the processes a worker's tasks start (with {@code ProcessBuilder}, say) end
     * with the worker, however it ends: killed, crashed, timed out, recycled or retired at
     * {@code close}. Set it to {@code false} for tasks that start daemons on purpose. Default:
     * {@code true}.
     *
     * @param endChildProcesses whether they end with their worker
     * @return this builder
     */
    public Builder endChildProcesses(boolean endChildProcesses) {
      once("endChildProcesses");
      this.endChildProcesses = endChildProcesses;
      return this;
    }

    /**
     * Sets how long a cancelled task that is running may take to stop. Cancelling a task's future
     * interrupts the task's thread in its worker at once; a task that has not returned this long
     * after (one that never checks for interrupts) has its worker killed and replaced, as for
     * {@link #taskTimeout}. Default: 1 second.
     *
     * @param cancelGrace a positive duration
     * @return this builder
     */
    public Builder cancelGrace(Duration cancelGrace) {
      once("cancelGrace");
      if (nonNull(cancelGrace, "cancelGrace").isNegative() || cancelGrace.isZero()) {
        throw new IllegalArgumentException("PoolOptions.cancelGrace must be positive, not " + cancelGrace);
      }
      this.cancelGrace = cancelGrace;
      return this;
    }

    /**
     * Sets how many tasks a worker runs before it is replaced by a fresh one. Default: 0, no limit.
     *
     * @param maxTasksPerWorker at least 1
     * @return this builder
     */
    public Builder maxTasksPerWorker(int maxTasksPerWorker) {
      once("maxTasksPerWorker");
      if (maxTasksPerWorker < 1) {
        throw new IllegalArgumentException("PoolOptions.maxTasksPerWorker must be at least 1, not " + maxTasksPerWorker);
      }
      this.maxTasksPerWorker = maxTasksPerWorker;
      return this;
    }

    /**
     * Sets whether a worker that dies is replaced. Default: {@code true}.
     *
     * @param respawn whether to replace dead workers
     * @return this builder
     */
    public Builder respawn(boolean respawn) {
      once("respawn");
      this.respawn = respawn;
      return this;
    }

    /**
     * Sets the longest a worker may take from launch until ready (its {@code init} included);
     * a worker that takes longer is killed and counts as a failed start. Default: 30 seconds.
     *
     * @param startupTimeout a positive duration
     * @return this builder
     */
    public Builder startupTimeout(Duration startupTimeout) {
      once("startupTimeout");
      if (nonNull(startupTimeout, "startupTimeout").isNegative() || startupTimeout.isZero()) {
        throw new IllegalArgumentException("PoolOptions.startupTimeout must be positive, not " + startupTimeout);
      }
      this.startupTimeout = startupTimeout;
      return this;
    }

    /**
     * Sets the largest message between master and worker; a task whose function and argument,
     * or whose result, is larger fails with a clear error. Default: 512 MiB.
     *
     * @param maxMessageSize in bytes, from 1 KiB to 2 GiB less 1 KiB
     * @return this builder
     */
    public Builder maxMessageSize(int maxMessageSize) {
      once("maxMessageSize");
      if (maxMessageSize < 1024 || maxMessageSize > Integer.MAX_VALUE - 1024) {
        throw new IllegalArgumentException("PoolOptions.maxMessageSize must be from 1024 to "
            + (Integer.MAX_VALUE - 1024) + ", not " + maxMessageSize);
      }
      this.maxMessageSize = maxMessageSize;
      return this;
    }

    /**
     * Sets the most tasks a worker holds at once: the one it runs and those sent ahead, waiting
     * in its pipe, so that it starts the next as soon as it answers one. Deeper pipelines help
     * tiny tasks; 1 sends a task only to an idle worker. Each task held costs the master and the
     * worker its argument's bytes. Default: {@link #DEFAULT_PIPELINE_DEPTH}.
     *
     * @param pipelineDepth from 1 to 1024
     * @return this builder
     */
    public Builder pipelineDepth(int pipelineDepth) {
      once("pipelineDepth");
      if (pipelineDepth < 1 || pipelineDepth > 1024) {
        throw new IllegalArgumentException("PoolOptions.pipelineDepth must be from 1 to 1024, not " + pipelineDepth);
      }
      this.pipelineDepth = pipelineDepth;
      return this;
    }

    /**
     * Sets the most bytes of encoded arguments a worker holds at once: the task it runs and those
     * sent ahead in its pipe, on top of {@link #pipelineDepth}. A task is sent ahead only while
     * the worker's tasks stay within it; a worker that holds nothing takes a task of any size.
     * With large arguments (a 1 MiB {@code byte[]} each) this, not the depth, decides how many
     * wait in a worker, and the rest wait in the master's queue, where any idle worker can take
     * them. Default: {@link #DEFAULT_PIPELINE_BYTES}.
     *
     * @param pipelineBytes at least 1 KiB
     * @return this builder
     */
    public Builder pipelineBytes(long pipelineBytes) {
      once("pipelineBytes");
      if (pipelineBytes < 1024) {
        throw new IllegalArgumentException("PoolOptions.pipelineBytes must be at least 1024, not " + pipelineBytes);
      }
      this.pipelineBytes = pipelineBytes;
      return this;
    }

    /**
     * Sets the most tasks that may be submitted and not finished (queued in the master or held by
     * workers). At the bound, {@code submit} and {@code call} wait, on the caller's thread, until
     * a task finishes: a producer that floods the pool is slowed to its pace instead of filling
     * the heap. Default: {@link #DEFAULT_MAX_PENDING_TASKS}.
     *
     * @param maxPendingTasks at least 1
     * @return this builder
     */
    public Builder maxPendingTasks(int maxPendingTasks) {
      once("maxPendingTasks");
      if (maxPendingTasks < 1) {
        throw new IllegalArgumentException("PoolOptions.maxPendingTasks must be at least 1, not " + maxPendingTasks);
      }
      this.maxPendingTasks = maxPendingTasks;
      return this;
    }

    /**
     * Sets the most bytes of encoded arguments the master may hold for tasks submitted and not
     * finished. At the bound, {@code submit} and {@code call} wait until tasks finish; a single
     * task larger than the bound waits until the pool holds nothing, then goes. Default:
     * {@link #defaultMaxPendingBytes()}.
     *
     * @param maxPendingBytes at least 1 KiB
     * @return this builder
     */
    public Builder maxPendingBytes(long maxPendingBytes) {
      once("maxPendingBytes");
      if (maxPendingBytes < 1024) {
        throw new IllegalArgumentException("PoolOptions.maxPendingBytes must be at least 1024, not " + maxPendingBytes);
      }
      this.maxPendingBytes = maxPendingBytes;
      return this;
    }

    /**
     * Sets the payload codec; its class needs a public no-argument constructor and must be on
     * the workers' classpath. Default: {@link Codec#fst()}.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(Codec codec) {
      once("codec");
      this.codec = nonNull(codec, "codec");
      return this;
    }

    /**
     * Sets a callback told once of each unexpected worker death, on a pool thread that does not
     * read pipes. Default: none (the death is on the error log anyway).
     *
     * @param onWorkerFailure the callback
     * @return this builder
     */
    public Builder onWorkerFailure(Consumer<WorkerFailure> onWorkerFailure) {
      once("onWorkerFailure");
      this.onWorkerFailure = nonNull(onWorkerFailure, "onWorkerFailure");
      return this;
    }

    /**
     * Sets where error messages go: failed tasks of {@code submit}, worker deaths, and the one
     * warning about a function over 1 MiB that is encoded and sent again and again.
     * Default: the SLF4J logger {@code dev.nproc.pool} at ERROR, or standard error when SLF4J has no
     * provider on the classpath (errors are never discarded).
     *
     * @param errorLog the sink
     * @return this builder
     */
    public Builder errorLog(Consumer<String> errorLog) {
      once("errorLog");
      this.errorLog = nonNull(errorLog, "errorLog");
      return this;
    }

    /**
     * Sets where information messages go: workers started, replaced, pool closed.
     * Default: the SLF4J logger {@code dev.nproc.pool} at INFO.
     *
     * @param infoLog the sink
     * @return this builder
     */
    public Builder infoLog(Consumer<String> infoLog) {
      once("infoLog");
      this.infoLog = nonNull(infoLog, "infoLog");
      return this;
    }

    /**
     * Sets how an exception is turned into text for the error log. Default: its stack trace,
     * with the remote stack trace of a {@code TaskFailedException}.
     *
     * @param exceptionFormatter the formatter
     * @return this builder
     */
    public Builder exceptionFormatter(Function<Throwable, String> exceptionFormatter) {
      once("exceptionFormatter");
      this.exceptionFormatter = nonNull(exceptionFormatter, "exceptionFormatter");
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public PoolOptions build() {
      return new PoolOptions(this);
    }
  }

  @Override
  public String toString() {
    return "PoolOptions[name=" + name + ", jvmArgs=" + jvmArgs + ", javaHome=" + javaHome
        + ", workerOutput=" + workerOutput + ", taskTimeout=" + taskTimeout + ", cancelGrace=" + cancelGrace + ", endChildProcesses=" + endChildProcesses
        + ", maxTasksPerWorker="
        + maxTasksPerWorker + ", respawn=" + respawn + ", startupTimeout=" + startupTimeout
        + ", maxMessageSize=" + maxMessageSize + ", pipelineDepth=" + pipelineDepth + ", pipelineBytes=" + pipelineBytes + ", maxPendingTasks=" + maxPendingTasks
        + ", maxPendingBytes=" + maxPendingBytes + ", codec=" + codec.getClass().getName() + "]";
  }

}
