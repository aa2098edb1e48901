package dev.nproc.stream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * A master program for {@link LowMemoryTest}: iterates a few million small elements through two
 * workers, in a JVM started with a small heap, and prints how many results it got.
 */
public final class LowMemoryMain {
  private LowMemoryMain() {}

  /**
   * Runs the iteration.
   *
   * @param args the number of elements
   */
  public static void main(String[] args) {
    long n = Long.parseLong(args[0]);
    AtomicLong count = new AtomicLong();
    AtomicLong sum = new AtomicLong();
    IterStream.iterStream(IterOptions.builder().granularity(1000).build(), 2, (Long x) -> x + 1, r -> {
      count.incrementAndGet();
      sum.addAndGet(r.orElseThrow());
    }, LongStream.range(0, n).boxed());
    System.out.println("COUNT=" + count.get() + " SUM=" + sum.get());
  }
}
