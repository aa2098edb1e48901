package dev.nproc.cluster;

import com.hazelcast.client.Client;
import com.hazelcast.client.ClientListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.nproc.cluster.internal.HazelcastConfigs;
import dev.nproc.cluster.internal.NodeRuntime;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One machine's node of an nproc cluster: an embedded Hazelcast member that runs, for each master
 * connected through {@link ClusterPool}, a local pool of {@link NodeOptions#workers()} worker
 * JVMs. The node never decodes a master's objects: functions, arguments and results pass through
 * it as bytes, and its workers get the master's classpath, shipped once and cached.
 *
 * <p>A master that disappears (its client disconnects, or it stops polling for its heartbeat
 * time-out) has its workers killed. {@link #close} lets every session finish the tasks it holds,
 * then leaves the cluster.
 *
 * <p><b>Security</b>: Hazelcast Community Edition has no TLS and no authentication; anyone who
 * reaches the node's port can run code on it. Bind it to a private address and keep the network
 * private; the shared secret only stops masters that do not know it.
 *
 * <p>Thread-safe.
 */
public final class NprocNode implements AutoCloseable {
  private final HazelcastInstance member;
  private final NodeRuntime runtime;
  private final String address;

  private NprocNode(HazelcastInstance member, NodeRuntime runtime) {
    this.member = member;
    this.runtime = runtime;
    InetSocketAddress socket = member.getCluster().getLocalMember().getSocketAddress();
    this.address = socket.getHostString() + ":" + socket.getPort();
  }

  /**
   * Starts a node: joins the cluster of {@code options.join()} (or forms one) and is then ready
   * to serve masters.
   *
   * @param options the node's options
   * @return the node
   * @throws IllegalStateException if this JVM lacks nproc's flags, or the member cannot start
   */
  public static NprocNode start(NodeOptions options) {
    Objects.requireNonNull(options, "options");
    NodeRuntime runtime = new NodeRuntime(options.secret(), options.workers(), options.poolOptions(),
        options.cacheDirectory());
    HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(options.clusterName(),
        options.bindAddress(), options.port(), options.join(), options.kubernetesServiceDns(), options.heartbeatTimeout(),
        runtime));
    member.getClientService().addClientListener(new ClientListener() {
      @Override
      public void clientConnected(Client client) {
        // a master's session begins with its first call
      }

      @Override
      public void clientDisconnected(Client client) {
        runtime.clientGone(client.getUuid());
      }
    });
    return new NprocNode(member, runtime);
  }

  /**
   * Returns the number of workers each master's session gets on this node.
   *
   * @return the number of workers
   */
  public int workers() {
    return runtime.workers();
  }

  /**
   * Returns the {@code host:port} this node listens on, for masters and other nodes.
   *
   * @return the address
   */
  public String address() {
    return address;
  }

  /** Lets every session finish the tasks it holds and its workers exit, then leaves the cluster. */
  @Override
  public void close() {
    try {
      runtime.drain().join();
    } finally {
      member.shutdown();
    }
  }

  @Override
  public String toString() {
    return "NprocNode[" + address + ", " + runtime.workers() + " workers]";
  }
}
