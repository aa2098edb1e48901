package dev.nproc.stream;

import dev.nproc.core.SerializableConsumer;
import dev.nproc.core.WorkerInfo;
import dev.nproc.pool.PoolOptions;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How {@link IterStream} splits, orders and reports an iteration, and which pool it starts.
 * Built by {@link #builder()}; every setting has a default, listed on the builder's methods.
 *
 * <p>Immutable and thread-safe.
 */
public final class IterOptions {
  private static final IterOptions DEFAULTS = builder().build();

  private final int granularity;
  private final SerializableConsumer<WorkerInfo> init;
  private final boolean ordered;
  private final PoolOptions poolOptions;
  private final Consumer<IterProgress> progress;
  private final Consumer<String> errorLog;
  private final long windowBytes;

  private IterOptions(Builder b) {
    granularity = b.granularity;
    init = b.init;
    ordered = b.ordered;
    poolOptions = b.poolOptions;
    progress = b.progress;
    errorLog = b.errorLog;
    windowBytes = b.windowBytes;
  }

  /**
   * Returns the default bound on the bytes an iteration holds: an eighth of this JVM's largest
   * heap, at least 4 MiB and at most 256 MiB.
   *
   * @return the default, in bytes
   */
  public static long defaultWindowBytes() {
    return Math.max(4L << 20, Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8));
  }

  /**
   * Returns the most bytes of elements and results an iteration holds at once (see
   * {@link Builder#windowBytes}).
   *
   * @return the bound, in bytes
   */
  public long windowBytes() {
    return windowBytes;
  }

  /**
   * Returns the options with every setting at its default.
   *
   * @return the default options
   */
  public static IterOptions defaults() {
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
   * Returns how many consecutive elements travel to a worker as one task.
   *
   * @return the granularity, at least 1
   */
  public int granularity() {
    return granularity;
  }

  /**
   * Returns the hook run in each worker of a pool started by {@code iterStream}.
   *
   * @return the hook, or {@code null} for none
   */
  public SerializableConsumer<WorkerInfo> init() {
    return init;
  }

  /**
   * Returns whether results are handed over in input order rather than completion order.
   *
   * @return {@code true} for input order
   */
  public boolean ordered() {
    return ordered;
  }

  /**
   * Returns the options of the pool {@code iterStream} starts.
   *
   * @return the pool options, or {@code null} for the defaults
   */
  public PoolOptions poolOptions() {
    return poolOptions;
  }

  /**
   * Returns the progress callback.
   *
   * @return the callback, or {@code null} for none
   */
  public Consumer<IterProgress> progress() {
    return progress;
  }

  /**
   * Returns where the iteration's error messages go (failed elements, exceptions in {@code g}).
   *
   * @return the sink, or {@code null} for the default (see {@link Builder#errorLog})
   */
  public Consumer<String> errorLog() {
    return errorLog;
  }

  /**
   * Builds {@link IterOptions}. Each setting may be given once; a setting given twice is rejected
   * with an {@link IllegalStateException}, one out of range or {@code null} with an
   * {@link IllegalArgumentException}, each naming the setting.
   *
   * <p>Not thread-safe: use a builder from one thread.
   */
  public static final class Builder {
    private final Set<String> given = new HashSet<>();
    private int granularity = 1;
    private SerializableConsumer<WorkerInfo> init;
    private boolean ordered;
    private PoolOptions poolOptions;
    private Consumer<IterProgress> progress;
    private Consumer<String> errorLog;
    private long windowBytes = defaultWindowBytes();

    private Builder() {}

    private void once(String setting) {
      if (!given.add(setting)) {
        throw new IllegalStateException("IterOptions." + setting + " is given twice");
      }
    }

    private static <T> T nonNull(T value, String setting) {
      if (value == null) {
        throw new IllegalArgumentException("IterOptions." + setting + " must not be null");
      }
      return value;
    }

    /**
     * Sets how many consecutive elements travel to a worker as one task and run there one after
     * another. Larger values cut the per-task overhead for cheap functions; the number of
     * elements held in memory grows with it. Default: 1.
     *
     * @param granularity at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code granularity} is less than 1
     */
    public Builder granularity(int granularity) {
      once("granularity");
      if (granularity < 1) {
        throw new IllegalArgumentException("IterOptions.granularity must be at least 1, not " + granularity);
      }
      this.granularity = granularity;
      return this;
    }

    /**
     * Sets a hook run in each worker of the pool {@code iterStream} starts, before its first task
     * (and in each replacement worker). It may not be combined with a {@link #poolOptions} that
     * has an {@code init} of its own: {@link #build} rejects that. Not allowed with
     * {@link IterStream#map}, whose pool already exists. Default: none.
     *
     * @param init the hook
     * @return this builder
     */
    public Builder init(SerializableConsumer<WorkerInfo> init) {
      once("init");
      this.init = nonNull(init, "init");
      return this;
    }

    /**
     * Sets whether results are handed over in input order. With {@code false}, each result is
     * handed over as soon as its chunk completes; with {@code true}, a chunk that completes
     * early waits in a reorder buffer, which is bounded by the same read-ahead limit as
     * everything else, so a slow chunk holds back the rest. Default: {@code false}.
     *
     * @param ordered whether to keep input order
     * @return this builder
     */
    public Builder ordered(boolean ordered) {
      once("ordered");
      this.ordered = ordered;
      return this;
    }

    /**
     * Sets the options of the pool {@code iterStream} starts. Not allowed with
     * {@link IterStream#map}, whose pool already exists. Default: {@link PoolOptions#defaults()}.
     *
     * @param poolOptions the pool options
     * @return this builder
     */
    public Builder poolOptions(PoolOptions poolOptions) {
      once("poolOptions");
      this.poolOptions = nonNull(poolOptions, "poolOptions");
      return this;
    }

    /**
     * Sets a callback told of the iteration's progress: after each chunk's results have been
     * handed over, and once at the end. It runs on the thread that consumes the results (the
     * caller of {@code iterStream}), never concurrently with itself; an exception it throws is
     * logged and ignored. Default: none.
     *
     * @param progress the callback
     * @return this builder
     */
    public Builder progress(Consumer<IterProgress> progress) {
      once("progress");
      this.progress = nonNull(progress, "progress");
      return this;
    }

    /**
     * Sets where the iteration's error messages go: each failed element (with its position in
     * the input and the remote exception), each lost chunk, each exception thrown by {@code g} or
     * the progress callback. Default: the {@link #poolOptions}' error log if given, else the
     * SLF4J logger {@code dev.nproc.stream} at ERROR.
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
     * Sets the most bytes of elements and results the iteration holds at once, besides the bound
     * in chunks ({@link IterStream#WINDOW_PER_WORKER}{@code  x nproc}): elements pulled and sent,
     * results back and not yet handed over. When they reach it, no more input is pulled until
     * chunks are handed over (one chunk is always let through, however large). The bytes counted
     * are those of the arrays and strings the elements and results are or hold (a list's
     * elements included); any other object counts 16 bytes. With large elements (a 1 MiB
     * {@code byte[]} each), this is what keeps the master's heap small. Default:
     * {@link #defaultWindowBytes()}.
     *
     * @param windowBytes at least 1024
     * @return this builder
     * @throws IllegalArgumentException if {@code windowBytes} is less than 1024
     */
    public Builder windowBytes(long windowBytes) {
      once("windowBytes");
      if (windowBytes < 1024) {
        throw new IllegalArgumentException("IterOptions.windowBytes must be at least 1024, not " + windowBytes);
      }
      this.windowBytes = windowBytes;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalStateException if both {@link #init} and a {@link #poolOptions} with its own
     *     {@code init} were given
     */
    public IterOptions build() {
      if (init != null && poolOptions != null && poolOptions.init() != null) {
        throw new IllegalStateException("IterOptions.init and the init of IterOptions.poolOptions are both given;"
            + " give only one of them");
      }
      return new IterOptions(this);
    }
  }

  @Override
  public String toString() {
    return "IterOptions[granularity=" + granularity + ", ordered=" + ordered + ", init=" + (init != null)
        + ", poolOptions=" + poolOptions + ", progress=" + (progress != null) + ", windowBytes=" + windowBytes + "]";
  }
}
