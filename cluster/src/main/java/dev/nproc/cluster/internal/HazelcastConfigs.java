package dev.nproc.cluster.internal;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.time.Duration;
import java.util.List;

/**
 * The Hazelcast configuration of nproc's members (nodes) and clients (masters), in one place:
 * TCP-IP discovery only (multicast and auto-detection off), bound to the address given, the
 * heartbeat time-outs nproc's fault detection relies on, nproc's message factory and the Java
 * deserialization filter ({@link Protocol#configure}), and logging through SLF4J unless the
 * {@code hazelcast.logging.type} system property says otherwise. Stateless.
 */
public final class HazelcastConfigs {
  /** Threads of the node's executor: a blocked poll takes one per master session. */
  static final int EXECUTOR_THREADS = 64;

  private HazelcastConfigs() {}

  private static String loggingType() {
    return System.getProperty("hazelcast.logging.type", "slf4j");
  }

  /**
   * The configuration of a node's member.
   *
   * @param clusterName the cluster name
   * @param bindAddress the address to bind to and announce
   * @param port the port, not auto-incremented
   * @param join the other members' {@code host:port}
   * @param heartbeatTimeout how long a silent member or client is kept
   * @param runtime the node's runtime, put in the member's user context for the calls
   * @return the configuration
   */
  public static Config member(String clusterName, String bindAddress, int port, List<String> join,
                              Duration heartbeatTimeout, NodeRuntime runtime) {
    return member(clusterName, bindAddress, port, join, null, heartbeatTimeout, runtime);
  }

  /**
   * The configuration of a node's member, found through Kubernetes DNS discovery when
   * {@code kubernetesServiceDns} is given (documented, not tested here).
   *
   * @param clusterName the cluster name
   * @param bindAddress the address to bind to and announce
   * @param port the port, not auto-incremented
   * @param join the other members' {@code host:port}
   * @param kubernetesServiceDns a headless service's DNS name, or {@code null} for TCP-IP
   * @param heartbeatTimeout how long a silent member or client is kept
   * @param runtime the node's runtime
   * @return the configuration
   */
  public static Config member(String clusterName, String bindAddress, int port, List<String> join,
                              String kubernetesServiceDns, Duration heartbeatTimeout, NodeRuntime runtime) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setInstanceName("nproc-node-" + bindAddress + "-" + port);
    config.setProperty("hazelcast.logging.type", loggingType());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false"); // NodeMain drains first, then shuts down
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.local.localAddress", bindAddress);
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    long seconds = Math.max(2, heartbeatTimeout.toSeconds());
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(seconds));
    config.setProperty("hazelcast.client.max.no.heartbeat.seconds", Long.toString(seconds));
    config.setProperty("hazelcast.partition.count", "7"); // nproc keeps no data in Hazelcast
    config.getMetricsConfig().setEnabled(false);
    config.getJetConfig().setEnabled(false); // Jet runs submitted jobs: never on an nproc node
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(bindAddress);
    JoinConfig joinConfig = network.getJoin();
    joinConfig.getMulticastConfig().setEnabled(false);
    joinConfig.getAutoDetectionConfig().setEnabled(false);
    if (kubernetesServiceDns != null) {
      joinConfig.getKubernetesConfig().setEnabled(true).setProperty("service-dns", kubernetesServiceDns)
          .setProperty("service-port", Integer.toString(port));
    } else {
      joinConfig.getTcpIpConfig().setEnabled(true).setMembers(join.isEmpty() ? List.of(bindAddress + ":" + port) : join);
    }
    config.getExecutorConfig(Protocol.EXECUTOR).setPoolSize(EXECUTOR_THREADS);
    Protocol.configure(config.getSerializationConfig());
    config.getUserContext().put(Protocol.RUNTIME_KEY, runtime);
    return config;
  }

  /**
   * The configuration of a master's client.
   *
   * @param clusterName the cluster name
   * @param addresses some members' {@code host:port}
   * @param connectTimeout how long to try to reach the cluster
   * @param heartbeatTimeout how long a silent member's connection is kept; its calls then fail
   * @return the configuration
   */
  public static ClientConfig client(String clusterName, List<String> addresses, Duration connectTimeout,
                                    Duration heartbeatTimeout) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", loggingType());
    config.setProperty("hazelcast.client.heartbeat.interval", "1000");
    config.setProperty("hazelcast.client.heartbeat.timeout", Long.toString(heartbeatTimeout.toMillis()));
    config.setProperty("hazelcast.client.invocation.timeout.seconds",
        Long.toString(Math.max(10, 3 * heartbeatTimeout.toSeconds())));
    config.setProperty("hazelcast.client.shutdownhook.enabled", "false");
    config.getMetricsConfig().setEnabled(false);
    config.getNetworkConfig().setAddresses(addresses);
    config.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(connectTimeout.toMillis())
        .setInitialBackoffMillis(100).setMaxBackoffMillis(1000);
    Protocol.configure(config.getSerializationConfig());
    return config;
  }
}
