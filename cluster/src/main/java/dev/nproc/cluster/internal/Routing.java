package dev.nproc.cluster.internal;

import java.util.Collection;

/**
 * Where the next batch of tasks goes, and how many: pure functions of the nodes' state, called
 * under the {@link ClusterEngine}'s lock. A node's idle workers come first, so tasks spread over
 * every node's workers before any pipeline fills; then each node's pipeline ({@code tasksPerWorker}
 * per worker, which hides the network's round trip) by its share of the queue.
 */
final class Routing {
  private Routing() {}

  /**
   * The node that gets the next batch, or null: the one with the most idle workers if any has
   * some; else the one with the most room in its pipeline.
   */
  static NodeLink best(Collection<NodeLink> nodes, int tasksPerWorker) {
    NodeLink best = null;
    int most = 0;
    for (NodeLink node : nodes) {
      if (node.idle() > most) {
        most = node.idle();
        best = node;
      }
    }
    if (best != null) {
      return best;
    }
    for (NodeLink node : nodes) {
      int free = node.free(tasksPerWorker);
      if (free > most) {
        most = free;
        best = node;
      }
    }
    return best;
  }

  /**
   * How many tasks the chosen node gets: as many as it has idle workers; else its room, but no
   * more than its share of the queue among the nodes with room, so the others get theirs.
   */
  static int batchSize(NodeLink target, Collection<NodeLink> nodes, int queued, int tasksPerWorker, int maxBatch) {
    int n;
    if (target.idle() > 0) {
      n = target.idle();
    } else {
      int withRoom = 0;
      for (NodeLink node : nodes) {
        if (node.free(tasksPerWorker) > 0 || node.sending) {
          withRoom++;
        }
      }
      int share = (queued + withRoom - 1) / Math.max(1, withRoom);
      n = Math.min(target.free(tasksPerWorker), Math.max(1, share));
    }
    return Math.min(Math.min(n, maxBatch), queued);
  }
}
