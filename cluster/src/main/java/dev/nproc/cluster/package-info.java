/**
 * The same {@code Pool} and {@code FullPool} across machines: {@link dev.nproc.cluster.NprocNode}
 * runs on each machine, {@link dev.nproc.cluster.ClusterPool} connects a master to the nodes.
 */
package dev.nproc.cluster;
