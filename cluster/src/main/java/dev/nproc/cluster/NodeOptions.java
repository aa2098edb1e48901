package dev.nproc.cluster;

import dev.nproc.pool.PoolOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of one machine's {@link NprocNode}: which cluster it joins and how, where it
 * listens, how many workers each master's session gets, and the options of those workers.
 * Immutable and thread-safe; built by {@link #builder()}.
 */
public final class NodeOptions {
  private final String clusterName;
  private final String bindAddress;
  private final int port;
  private final List<String> join;
  private final int workers;
  private final PoolOptions poolOptions;
  private final Path cacheDirectory;
  private final String secret;
  private final Duration heartbeatTimeout;
  private final String kubernetesServiceDns;

  private NodeOptions(Builder b) {
    this.clusterName = b.clusterName;
    this.bindAddress = b.bindAddress;
    this.port = b.port;
    this.join = b.join;
    this.workers = b.workers;
    this.poolOptions = b.poolOptions;
    this.cacheDirectory = b.cacheDirectory;
    this.secret = b.secret;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.kubernetesServiceDns = b.kubernetesServiceDns;
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
   * Returns the Hazelcast cluster name, which masters must give too.
   *
   * @return the cluster name
   */
  public String clusterName() {
    return clusterName;
  }

  /**
   * Returns the address the node binds to and announces.
   *
   * @return the bind address
   */
  public String bindAddress() {
    return bindAddress;
  }

  /**
   * Returns the port the node listens on.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the other nodes' {@code host:port} addresses, to join them.
   *
   * @return the addresses, possibly empty
   */
  public List<String> join() {
    return join;
  }

  /**
   * Returns the number of workers each master's session gets on this node.
   *
   * @return the number of workers
   */
  public int workers() {
    return workers;
  }

  /**
   * Returns the options of the node's workers: JDK, JVM arguments, output, environment.
   *
   * @return the pool options
   */
  public PoolOptions poolOptions() {
    return poolOptions;
  }

  /**
   * Returns where shipped classpath entries are cached.
   *
   * @return the cache directory
   */
  public Path cacheDirectory() {
    return cacheDirectory;
  }

  /**
   * Returns the secret masters must present.
   *
   * @return the secret
   */
  public String secret() {
    return secret;
  }

  /**
   * Returns how long a silent member is kept in the cluster.
   *
   * @return the heartbeat time-out
   */
  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  /**
   * Returns the Kubernetes headless service whose DNS names the other nodes, or {@code null} when
   * nodes are found through {@link #join()}.
   *
   * @return the service's DNS name, or {@code null}
   */
  public String kubernetesServiceDns() {
    return kubernetesServiceDns;
  }

  @Override
  public String toString() {
    return "NodeOptions[clusterName=" + clusterName + ", bindAddress=" + bindAddress + ", port=" + port + ", join="
        + join + ", workers=" + workers + ", cacheDirectory=" + cacheDirectory + ", heartbeatTimeout="
        + heartbeatTimeout + "]";
  }

  /**
   * Builds {@link NodeOptions}. Each setting may be given once; a setting given twice or out of
   * range is rejected at once, naming it.
   *
   * <p>Not thread-safe: use a builder from one thread.
   */
  public static final class Builder {
    private final Set<String> given = new HashSet<>();
    private String clusterName = "nproc";
    private String bindAddress = "127.0.0.1";
    private int port = 5701;
    private List<String> join = List.of();
    private int workers = Runtime.getRuntime().availableProcessors();
    private PoolOptions poolOptions = PoolOptions.defaults();
    private Path cacheDirectory = Path.of(System.getProperty("java.io.tmpdir"), "nproc-cluster-cache");
    private String secret = System.getenv().getOrDefault("NPROC_SECRET", "");
    private Duration heartbeatTimeout = Duration.ofSeconds(5);
    private String kubernetesServiceDns;

    private Builder() {}

    private void once(String setting) {
      if (!given.add(setting)) {
        throw new IllegalStateException("NodeOptions." + setting + " is given twice");
      }
    }

    /**
     * Sets the Hazelcast cluster name; masters must give the same. Default {@code nproc}.
     *
     * @param clusterName the name
     * @return this builder
     */
    public Builder clusterName(String clusterName) {
      once("clusterName");
      if (clusterName == null || clusterName.isBlank()) {
        throw new IllegalArgumentException("NodeOptions.clusterName must not be blank");
      }
      this.clusterName = clusterName;
      return this;
    }

    /**
     * Sets the address the node binds to and announces to the others. Default {@code 127.0.0.1}:
     * give the machine's private address to serve other machines. Never a public address:
     * anyone who reaches the port can run code on the node.
     *
     * @param bindAddress an IP address of this machine
     * @return this builder
     */
    public Builder bindAddress(String bindAddress) {
      once("bindAddress");
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    /**
     * Sets the port the node listens on. Default 5701.
     *
     * @param port 1 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      once("port");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("NodeOptions.port must be 1 to 65535, not " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the {@code host:port} addresses of other nodes to join (TCP-IP discovery). Default
     * none: the node forms a cluster of its own, which others may join.
     *
     * @param join the addresses
     * @return this builder
     */
    public Builder join(List<String> join) {
      once("join");
      this.join = List.copyOf(join);
      return this;
    }

    /**
     * Sets the workers each master's session gets on this node. Default: the machine's processors.
     *
     * @param workers at least 1
     * @return this builder
     */
    public Builder workers(int workers) {
      once("workers");
      if (workers < 1) {
        throw new IllegalArgumentException("NodeOptions.workers must be at least 1, not " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * Sets the options of this node's workers: JDK, JVM arguments (the master's are added after
     * them), output, environment, working directory, logs. The task settings (time-outs,
     * recycling, codec, init) come from each master.
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
     * Sets where the classpath shipped by masters is cached. Default
     * {@code java.io.tmpdir/nproc-cluster-cache}.
     *
     * @param cacheDirectory the directory, created if needed
     * @return this builder
     */
    public Builder cacheDirectory(Path cacheDirectory) {
      once("cacheDirectory");
      this.cacheDirectory = Objects.requireNonNull(cacheDirectory, "cacheDirectory");
      return this;
    }

    /**
     * Sets the secret masters must present in their first exchange. Default: the
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
     * Sets how long a member that sends no heartbeat stays in the cluster. Default 5 s.
     *
     * @param heartbeatTimeout at least 2 s
     * @return this builder
     */
    public Builder heartbeatTimeout(Duration heartbeatTimeout) {
      once("heartbeatTimeout");
      if (heartbeatTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
        throw new IllegalArgumentException("NodeOptions.heartbeatTimeout must be at least 2 s, not " + heartbeatTimeout);
      }
      this.heartbeatTimeout = heartbeatTimeout;
      return this;
    }

    /**
     * Finds the other nodes through Hazelcast's Kubernetes discovery (DNS lookup of a headless
     * service) instead of {@link #join}: for nodes run as a Kubernetes StatefulSet or Deployment.
     * Default: not used.
     *
     * @param serviceDns the headless service's DNS name, such as {@code nproc.default.svc.cluster.local}
     * @return this builder
     */
    public Builder kubernetesServiceDns(String serviceDns) {
      once("kubernetesServiceDns");
      if (serviceDns == null || serviceDns.isBlank()) {
        throw new IllegalArgumentException("NodeOptions.kubernetesServiceDns must not be blank");
      }
      this.kubernetesServiceDns = serviceDns;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public NodeOptions build() {
      return new NodeOptions(this);
    }
  }
}
