package dev.nproc.cluster.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.hazelcast.cluster.Member;
import dev.nproc.pool.internal.RemoteTasks.RemoteTask;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The master's view of one node's session: where it is, how many workers it has, the tasks it
 * holds, the functions it was sent, and its state. The fields marked {@code @GuardedBy} belong to
 * the {@link ClusterEngine}'s lock; the rest are set once.
 */
final class NodeLink {
  enum State {
    /** Handshake, upload, open under way. */
    OPENING,
    /** Takes tasks. */
    READY,
    /** The node is closing its session: it finishes what it holds and takes nothing new. */
    DRAINING,
    /** Lost, closed or failed to open: gone for good. */
    GONE
  }

  final Member member;
  final String address;
  final String sessionId;
  /** Completes when its session is open (with {@code null}) or failed to open (with why). */
  final java.util.concurrent.CompletableFuture<String> opened = new java.util.concurrent.CompletableFuture<>();

  @GuardedBy("ClusterEngine.lock")
  State state = State.OPENING;
  @GuardedBy("ClusterEngine.lock")
  int workers;
  @GuardedBy("ClusterEngine.lock")
  final Map<Long, RemoteTask> inFlight = new HashMap<>();
  @GuardedBy("ClusterEngine.lock")
  final Set<Long> functionsSent = new HashSet<>();
  /** Whether a Submit call to it is under way: one at a time, so a function's bytes arrive before its key is used. */
  @GuardedBy("ClusterEngine.lock")
  boolean sending;
  @GuardedBy("ClusterEngine.lock")
  long workerRestarts;

  NodeLink(Member member, String sessionId) {
    this.member = member;
    InetSocketAddress socket = member.getSocketAddress();
    this.address = socket.getHostString() + ":" + socket.getPort();
    this.sessionId = sessionId;
  }

  /** Its workers with no task: the first thing routing looks at. */
  @GuardedBy("ClusterEngine.lock")
  int idle() {
    return state == State.READY && !sending ? workers - inFlight.size() : 0;
  }

  /** The tasks it may still take now, or 0. */
  @GuardedBy("ClusterEngine.lock")
  int free(int tasksPerWorker) {
    return state == State.READY && !sending ? Math.max(0, workers * tasksPerWorker - inFlight.size()) : 0;
  }

  @Override
  public String toString() {
    return "node " + address;
  }
}
