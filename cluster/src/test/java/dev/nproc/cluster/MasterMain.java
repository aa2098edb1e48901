package dev.nproc.cluster;

import dev.nproc.pool.Pool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A master in a JVM of its own, for the test that kills one: connects to the cluster named on its
 * command line, submits one long task per worker, prints {@code submitted}, and waits forever.
 */
public final class MasterMain {
  private MasterMain() {}

  /**
   * Runs the master.
   *
   * @param args cluster name, secret, heartbeat seconds, then the nodes' addresses
   * @throws InterruptedException never, in practice
   */
  public static void main(String[] args) throws InterruptedException {
    Pool pool = ClusterPool.connect(ClusterOptions.builder().clusterName(args[0]).secret(args[1])
        .heartbeatTimeout(Duration.ofSeconds(Long.parseLong(args[2])))
        .addresses(List.of(args).subList(3, args.length)).build());
    for (int i = 0; i < pool.size(); i++) {
      pool.submit(new ShippedTasks.WhereAmI(600_000), i);
    }
    System.out.println("submitted " + pool.size());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
