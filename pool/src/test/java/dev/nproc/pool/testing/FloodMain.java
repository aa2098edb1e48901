package dev.nproc.pool.testing;

import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A master with a small heap (its test starts it with {@code -Xmx}) that submits {@code n} tasks
 * of 1 MiB arguments as fast as it can, keeping only small futures, and prints {@code DONE n sum}.
 */
public final class FloodMain {
  private FloodMain() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    List<CompletableFuture<Optional<Integer>>> results = new ArrayList<>(n);
    try (Pool pool = Pool.create(2, PoolOptions.builder().name("flood").build())) {
      for (int i = 0; i < n; i++) {
        byte[] argument = new byte[1 << 20];
        argument[0] = (byte) i;
        results.add(pool.submit(a -> a.length, argument));
      }
      long sum = results.stream().mapToLong(f -> f.join().orElse(0)).sum();
      System.out.println("DONE " + n + " " + sum);
    }
  }
}
