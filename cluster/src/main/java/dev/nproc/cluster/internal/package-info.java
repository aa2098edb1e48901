/**
 * The cluster module's machinery, not API: the node's side ({@link dev.nproc.cluster.internal.NodeRuntime},
 * {@link dev.nproc.cluster.internal.NodeSession}, {@link dev.nproc.cluster.internal.ClasspathCache}), the
 * master's side ({@link dev.nproc.cluster.internal.ClusterEngine} and its parts), and what they say to each
 * other ({@link dev.nproc.cluster.internal.Calls}, {@link dev.nproc.cluster.internal.Reply},
 * {@link dev.nproc.cluster.internal.PollReply}, {@link dev.nproc.cluster.internal.Protocol}). It uses the
 * public API of {@code dev.nproc.pool} and one internal SPI of it ({@code EncodedPool} on nodes,
 * {@code RemoteTasks} on masters), and never imports {@code dev.nproc.cluster}.
 *
 * <h2>The path of a task</h2>
 * <pre>
 *  caller thread      submit: encode (RemoteTasks), wait for room, queue
 *  dispatcher thread  the node with the most free slots, not sending: up to maxBatch tasks in one
 *        |            Submit call (a function's bytes with the first task that names it there)
 *        v            -- Hazelcast: IExecutorService.submitToMember --
 *  node               NodeSession: its EncodedPool runs them; outcomes wait in its outbox
 *  poller thread      one per node: Poll (a long poll, {@code ClusterEngine.POLL_MILLIS}) brings outcomes and
 *        |            service requests back in a batch; the node's tasks leave its in-flight map
 *        v
 *  callback threads   RemoteTasks: decode, complete the futures; serve requests (Answers call)
 * </pre>
 *
 * <h2>Faults</h2>
 * A node is lost when its poll or submit fails (Hazelcast reports a closed or silent connection
 * after the client heartbeat time-out), when its poll gets no answer within the heartbeat
 * time-out, when it leaves the cluster, or when it says the session is over. Every task it held
 * fails {@code NODE_LOST} at once: it may or may not have run, and it is not run again. The queue
 * is untouched: its tasks go to the other nodes. With no node left, and none opening, queued and
 * new tasks fail {@code NOT_RUN}. A node that joins gets a session and adds its workers.
 *
 */
package dev.nproc.cluster.internal;
