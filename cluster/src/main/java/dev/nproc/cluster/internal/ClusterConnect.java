package dev.nproc.cluster.internal;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.nproc.pool.internal.RemoteTasks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * How a master joins the cluster: encodes what travels once (init hook, environment), hashes its
 * classpath, connects its Hazelcast client, follows the membership (a member that joins gets a
 * session, one that leaves is lost) and opens a session on every member, waiting for each.
 * Stateless.
 */
public final class ClusterConnect {
  private ClusterConnect() {}

  /**
   * Connects to the cluster and opens a session on every node, waiting until each is open or
   * has failed to.
   *
   * @param settings the master's settings
   * @param serv the service of Full mode, or {@code null} for a basic pool
   * @param env the environment of Full mode
   * @return the engine, with at least one node open
   * @throws IllegalArgumentException if the init hook or the environment cannot be serialized
   * @throws IllegalStateException if the cluster cannot be reached or no node takes the session
   */
  public static ClusterEngine connect(MasterSettings settings, Function<?, ? extends CompletionStage<?>> serv,
                                      Object env) {
    RemoteTasks tasks = new RemoteTasks(PoolConfigs.engineConfig(settings.poolOptions()), serv);
    byte[] init = settings.poolOptions().init() == null ? new byte[0]
        : tasks.encodeValue(settings.poolOptions().init(), "PoolOptions.init");
    byte[] envBytes = serv == null ? new byte[0] : tasks.encodeValue(env, "the environment");
    SessionSettings session = SessionSettings.of(settings.poolOptions(), settings.heartbeatTimeout().toMillis(), init,
        envBytes, serv != null);
    List<ClasspathShipper.Entry> classpath = settings.shipClasspath() ? ClasspathShipper.entries() : List.of();
    HazelcastInstance client;
    try {
      client = HazelcastClient.newHazelcastClient(HazelcastConfigs.client(settings.clusterName(), settings.addresses(),
          settings.connectTimeout(), settings.heartbeatTimeout()));
    } catch (RuntimeException e) {
      tasks.shutdown();
      throw new IllegalStateException("cannot reach the nproc cluster '" + settings.clusterName() + "' at "
          + settings.addresses() + " within " + settings.connectTimeout() + " (are the nodes up, with that cluster name?): "
          + e.getMessage(), e);
    }
    ClusterEngine engine = new ClusterEngine(settings, tasks, client, session, classpath);
    engine.start();
    List<CompletableFuture<String>> opens = new ArrayList<>();
    client.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        engine.addNode(event.getMember());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        engine.memberLeft(event.getMember().getUuid());
      }
    });
    for (Member m : client.getCluster().getMembers()) {
      opens.add(engine.addNode(m));
    }
    List<String> errors = new ArrayList<>();
    for (CompletableFuture<String> open : opens) {
      String error = open.join();
      if (error != null) {
        errors.add(error);
      }
    }
    if (engine.size() == 0) {
      engine.terminate();
      throw new IllegalStateException("no node of the nproc cluster '" + settings.clusterName()
          + "' took this master: " + (errors.isEmpty() ? "the cluster has no member" : String.join("; ", errors)));
    }
    errors.forEach(tasks::error);
    return engine;
  }

}
