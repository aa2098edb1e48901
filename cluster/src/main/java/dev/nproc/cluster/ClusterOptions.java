package dev.nproc.cluster;

import dev.nproc.pool.PoolOptions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of a master's connection to an nproc cluster ({@link ClusterPool}): where the
 * nodes are, the options of its tasks and workers, the time-outs of its fault detection, and
 * whether its classpath is shipped. Immutable and thread-safe; built by {@link #builder()}.
 */
public final class ClusterOptions {
  private final String clusterName;
  private final List<String> addresses;
  private final PoolOptions poolOptions;
  private final Duration connectTimeout;
  private final Duration heartbeatTimeout;
  private final boolean shipClasspath;
  private final String secret;
  private final int maxBatch;
  private final int tasksPerWorker;

  private ClusterOptions(Builder b) {
    this.clusterName = b.clusterName;
    this.addresses = b.addresses;
    this.poolOptions = b.poolOptions;
    this.connectTimeout = b.connectTimeout;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.shipClasspath = b.shipClasspath;
    this.secret = b.secret;
    this.maxBatch = b.maxBatch;
    this.tasksPerWorker = b.tasksPerWorker;
  }

  /**
   * Returns a new builder with the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the Hazelcast cluster name of the nodes.
   *
   * @return the cluster name
   */
  public String clusterName() {
    return clusterName;
  }

  /**
   * Returns some nodes' {@code host:port} addresses; the others are found through them.
   *
   * @return the addresses
   */
  public List<String> addresses() {
    return addresses;
  }

  /**
   * Returns the options of the tasks and of the master's workers on the nodes.
   *
   * @return the pool options
   */
  public PoolOptions poolOptions() {
    return poolOptions;
  }

  /**
   * Returns how long {@code connect} tries to reach the cluster.
   *
   * @return the connect time-out
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns how long a silent node is waited for before its tasks fail {@code NODE_LOST}; and how
   * long a node keeps this master's workers after it went silent.
   *
   * @return the heartbeat time-out
   */
  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  /**
   * Returns whether this JVM's classpath is shipped to the nodes for the workers.
   *
   * @return whether the classpath is shipped
   */
  public boolean shipClasspath() {
    return shipClasspath;
  }

  /**
   * Returns the secret presented to the nodes.
   *
   * @return the secret
   */
  public String secret() {
    return secret;
  }

  /**
   * Returns the most tasks sent to a node in one call.
   *
   * @return the batch size
   */
  public int maxBatch() {
    return maxBatch;
  }

  /**
   * Returns the most tasks a node holds per worker at once (running, pipelined or queued there).
   *
   * @return the tasks per worker
   */
  public int tasksPerWorker() {
    return tasksPerWorker;
  }

  @Override
  public String toString() {
    return "ClusterOptions[clusterName=" + clusterName + ", addresses=" + addresses + ", connectTimeout="
        + connectTimeout + ", heartbeatTimeout=" + heartbeatTimeout + ", shipClasspath=" + shipClasspath
        + ", maxBatch=" + maxBatch + ", tasksPerWorker=" + tasksPerWorker + ", poolOptions=" + poolOptions + "]";
  }

  /**
   * Builds {@link ClusterOptions}. Each setting may be given once; a setting given twice or out
   * of range is rejected at once, naming it.
   *
   * <p>Not thread-safe: use a builder from one thread.
   */
  public static final class Builder {
    private final Set<String> given = new HashSet<>();
    private String clusterName = "nproc";
    private List<String> addresses = List.of("127.0.0.1:5701");
    private PoolOptions poolOptions = PoolOptions.defaults();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration heartbeatTimeout = Duration.ofSeconds(5);
    private boolean shipClasspath = true;
    private String secret = System.getenv().getOrDefault("NPROC_SECRET", "");
    private int maxBatch = 64;
    private int tasksPerWorker = 16;

    private Builder() {}

    private void once(String setting) {
      if (!given.add(setting)) {
        throw new IllegalStateException("ClusterOptions." + setting + " is given twice");
      }
    }

    /**
     * Sets the nodes' Hazelcast cluster name. Default {@code nproc}.
     *
     * @param clusterName the name
     * @return this builder
     */
    public Builder clusterName(String clusterName) {
      once("clusterName");
      if (clusterName == null || clusterName.isBlank()) {
        throw new IllegalArgumentException("ClusterOptions.clusterName must not be blank");
      }
      this.clusterName = clusterName;
      return this;
    }

    /**
     * Sets some nodes' {@code host:port} addresses. Default {@code 127.0.0.1:5701}.
     *
     * @param addresses at least one address
     * @return this builder
     */
    public Builder addresses(List<String> addresses) {
      once("addresses");
      if (addresses == null || addresses.isEmpty()) {
        throw new IllegalArgumentException("ClusterOptions.addresses must name at least one node");
      }
      this.addresses = List.copyOf(addresses);
      return this;
    }

    /**
     * Sets the options of the tasks (codec, time-outs, init, bounds of the master's queue, logs)
     * and the JVM arguments added to each node's for this master's workers. Where the workers run
     * (JDK, output, environment) is each node's setting.
     *
     * @param poolOptions the options
     * @return this builder
     */
    public Builder poolOptions(PoolOptions poolOptions) {
      once("poolOptions");
      this.poolOptions = Objects.requireNonNull(poolOptions, "poolOptions");
      return this;
    }

    /**
     * Sets how long {@code connect} tries to reach the cluster. Default 10 s.
     *
     * @param connectTimeout positive
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      once("connectTimeout");
      if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("ClusterOptions.connectTimeout must be positive, not " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * Sets how long a silent node is waited for before its tasks fail {@code NODE_LOST} (and how
     * long a node keeps the workers of a master gone silent). Default 5 s.
     *
     * @param heartbeatTimeout at least 2 s
     * @return this builder
     */
    public Builder heartbeatTimeout(Duration heartbeatTimeout) {
      once("heartbeatTimeout");
      if (heartbeatTimeout == null || heartbeatTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
        throw new IllegalArgumentException("ClusterOptions.heartbeatTimeout must be at least 2 s, not "
            + heartbeatTimeout);
      }
      this.heartbeatTimeout = heartbeatTimeout;
      return this;
    }

    /**
     * Sets whether this JVM's classpath is shipped to the nodes (once, cached by content). Default
     * {@code true}; {@code false} when the nodes' image already carries the jars.
     *
     * @param shipClasspath whether to ship it
     * @return this builder
     */
    public Builder shipClasspath(boolean shipClasspath) {
      once("shipClasspath");
      this.shipClasspath = shipClasspath;
      return this;
    }

    /**
     * Sets the secret presented to the nodes, which must equal theirs. Default: the
     * {@code NPROC_SECRET} environment variable, or empty.
     *
     * @param secret the secret
     * @return this builder
     */
    public Builder secret(String secret) {
      once("secret");
      this.secret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * Sets the most tasks sent to a node in one call. Default 64.
     *
     * @param maxBatch at least 1
     * @return this builder
     */
    public Builder maxBatch(int maxBatch) {
      once("maxBatch");
      if (maxBatch < 1) {
        throw new IllegalArgumentException("ClusterOptions.maxBatch must be at least 1, not " + maxBatch);
      }
      this.maxBatch = maxBatch;
      return this;
    }

    /**
     * Sets the most tasks a node holds per worker (running, pipelined or queued there): enough to
     * hide the network's round trip, few enough that a lost node loses few. Default 16.
     *
     * @param tasksPerWorker at least 1
     * @return this builder
     */
    public Builder tasksPerWorker(int tasksPerWorker) {
      once("tasksPerWorker");
      if (tasksPerWorker < 1) {
        throw new IllegalArgumentException("ClusterOptions.tasksPerWorker must be at least 1, not " + tasksPerWorker);
      }
      this.tasksPerWorker = tasksPerWorker;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public ClusterOptions build() {
      return new ClusterOptions(this);
    }
  }
}
