package dev.nproc.stream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A master program for {@link LargeElementsTest}: iterates 1 MiB {@code byte[]} elements, each
 * coming back as a 1 MiB result, through two workers, with a consumer slower than the workers,
 * in a JVM started with a small heap; prints how many results it got and how many were right.
 */
public final class LargeElementsMain {
  private LargeElementsMain() {}

  /**
   * Runs the iteration.
   *
   * @param args the number of elements, then optionally the window's bytes
   * @throws InterruptedException if interrupted while slowing the consumer down
   */
  public static void main(String[] args) throws InterruptedException {
    int n = Integer.parseInt(args[0]);
    IterOptions.Builder options = IterOptions.builder().granularity(1);
    if (args.length > 1) {
      options.windowBytes(Long.parseLong(args[1]));
    }
    AtomicLong count = new AtomicLong();
    AtomicLong right = new AtomicLong();
    IterStream.iterStream(options.build(), 2, (byte[] b) -> {
      byte[] out = b.clone();
      out[out.length - 1] = (byte) (b[0] + 1);
      return out;
    }, r -> {
      byte[] b = r.orElseThrow();
      count.incrementAndGet();
      if (b.length == 1 << 20 && b[b.length - 1] == (byte) (b[0] + 1)) {
        right.incrementAndGet();
      }
      try {
        Thread.sleep(2); // a consumer slower than the workers: results would pile up in the window
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, IntStream.range(0, n).mapToObj(i -> {
      byte[] b = new byte[1 << 20];
      b[0] = (byte) i;
      return b;
    }));
    System.out.println("COUNT=" + count.get() + " RIGHT=" + right.get());
  }
}
