package dev.nproc.cluster.internal;

import dev.nproc.pool.PoolOptions;
import java.time.Duration;
import java.util.List;

/**
 * A master's settings, in the cluster engine's own terms (what the public {@code ClusterOptions}
 * say, translated by the API package). Immutable.
 *
 * @param clusterName the Hazelcast cluster name
 * @param addresses some nodes' {@code host:port}
 * @param poolOptions the options of the master's tasks and of its workers on the nodes
 * @param connectTimeout how long to try to reach the cluster
 * @param heartbeatTimeout how long a silent node (or master, for a node) is waited for
 * @param shipClasspath whether the master's classpath is shipped to the nodes
 * @param secret the shared secret
 * @param maxBatch the most tasks sent to a node in one call
 * @param tasksPerWorker the most tasks a node holds per worker
 */
public record MasterSettings(String clusterName, List<String> addresses, PoolOptions poolOptions,
                             Duration connectTimeout, Duration heartbeatTimeout, boolean shipClasspath, String secret,
                             int maxBatch, int tasksPerWorker) {}
