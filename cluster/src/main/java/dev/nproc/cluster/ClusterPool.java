package dev.nproc.cluster;

import dev.nproc.cluster.internal.ClusterConnect;
import dev.nproc.cluster.internal.MasterSettings;
import dev.nproc.pool.FullPool;
import dev.nproc.pool.Pool;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The master's way into an nproc cluster: a {@link Pool} or {@link FullPool} whose workers run on
 * the cluster's nodes ({@link NprocNode}), with the same API and the same guarantees as a local
 * pool, and one more failure: a task held by a node that dies or stops answering fails
 * {@link dev.nproc.core.TaskFailedException.Kind#NODE_LOST NODE_LOST} (it may or may not have run,
 * and the pool does not run it again: at most once). Tasks not yet sent go to the other nodes.
 *
 * <p>{@code size()} is the sum of the open nodes' workers: a node that joins adds its workers, one
 * that leaves removes them. The master is a Hazelcast client: it needs outbound connections only.
 *
 * <p>Thread-safe: the pools it returns are.
 */
public final class ClusterPool {
  private ClusterPool() {}

  /**
   * Connects to the cluster and opens a session on every node.
   *
   * @param options where the nodes are, and the pool's options
   * @return the pool; its {@code close} closes the sessions and the connection
   * @throws IllegalStateException if the cluster cannot be reached within the connect time-out,
   *     or no node takes the session (the message says why: a secret or version mismatch, say)
   * @throws IllegalArgumentException if the init hook cannot be serialized
   */
  public static Pool connect(ClusterOptions options) {
    Objects.requireNonNull(options, "options");
    return new ClusterPoolFace<>(ClusterConnect.connect(settings(options), null, null), "ClusterPool");
  }

  /**
   * Connects to the cluster in Full mode: {@code env} travels once to each node and once from it
   * to each of its workers; a worker's {@code serv.request} reaches {@code serv} here.
   *
   * @param options where the nodes are, and the pool's options
   * @param serv the master's service function
   * @param env the environment
   * @param <Q> the type of the workers' requests
   * @param <R> the type of the master's answers
   * @param <E> the type of the environment
   * @return the pool
   * @throws IllegalStateException if the cluster cannot be reached or no node takes the session
   * @throws IllegalArgumentException if {@code env} or the init hook cannot be serialized
   */
  public static <Q, R, E> FullPool<Q, R, E> connectFull(ClusterOptions options, Function<Q, CompletionStage<R>> serv,
                                                        E env) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(serv, "serv");
    return new ClusterPoolFace<>(ClusterConnect.connect(settings(options), serv, env), "ClusterFullPool");
  }

  private static MasterSettings settings(ClusterOptions o) {
    return new MasterSettings(o.clusterName(), o.addresses(), o.poolOptions(), o.connectTimeout(),
        o.heartbeatTimeout(), o.shipClasspath(), o.secret(), o.maxBatch(), o.tasksPerWorker());
  }
}
