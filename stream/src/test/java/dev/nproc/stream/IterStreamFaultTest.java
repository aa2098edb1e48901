package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.WorkerOutput;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Workers SIGKILLed at random while {@code iterStream} runs, in plain and Full mode (with service
 * requests in flight): every element reaches {@code g} exactly once, with its right value or
 * empty, only the elements of killed chunks are empty, and no worker outlives the iteration.
 */
class IterStreamFaultTest {
  private static final int ELEMENTS = 20_000;
  private static final int GRANULARITY = 10;
  private static final int KILLS = 5;

  private static Set<Long> workerPids() {
    return ProcessHandle.current().children()
        .filter(p -> p.info().commandLine().map(c -> c.contains("WorkerMain")).orElse(false))
        .map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  /**
   * Kills a random worker of this JVM (not one of {@code spared}) every few hundred ms,
   * {@code KILLS} times, once the iteration has delivered its first element: the pool is up, so
   * the kills hit a running iteration, not the pool's start-up (which fails if every worker is
   * killed before it is ready; a slow, loaded machine could otherwise see that).
   */
  private static Thread killer(Set<Long> spared, AtomicBoolean iterating, AtomicBoolean running, AtomicInteger kills) {
    Random random = new Random(7);
    Thread t = new Thread(() -> {
      try {
        while (running.get() && !iterating.get()) {
          Thread.sleep(10);
        }
      } catch (InterruptedException e) {
        return;
      }
      while (running.get() && kills.get() < KILLS) {
        try {
          Thread.sleep(300 + random.nextInt(300));
        } catch (InterruptedException e) {
          return;
        }
        List<Long> mine = new ArrayList<>(workerPids());
        mine.removeAll(spared);
        if (!mine.isEmpty() && running.get()) {
          ProcessHandle.of(mine.get(random.nextInt(mine.size()))).ifPresent(p -> {
            if (p.destroyForcibly()) {
              kills.incrementAndGet();
            }
          });
        }
      }
    }, "killer");
    t.start();
    return t;
  }

  private static void check(long[] seen, int empties, int kills) {
    long delivered = 0;
    for (int i = 0; i < ELEMENTS; i++) {
      assertThat(seen[i]).as("element %d delivered", i).isLessThanOrEqualTo(1);
      delivered += seen[i];
    }
    assertThat(delivered + empties).as("every element reaches g exactly once").isEqualTo(ELEMENTS);
    assertThat(empties).as("only killed chunks are lost").isLessThanOrEqualTo(kills * GRANULARITY);
  }

  private static PoolOptions quiet() {
    return PoolOptions.builder().name("stream-faults").workerOutput(WorkerOutput.DISCARD).errorLog(m -> { }).build();
  }

  /**
   * Runs an iteration (given the {@code g} to use) while workers are killed at random, then
   * checks what {@code g} saw and that no worker is left. Halfway through, {@code g} waits for
   * the killer's second kill, so that a fast iteration cannot end before any worker was killed.
   */
  private static void underRandomKills(Consumer<Consumer<Optional<Long>>> iteration) throws InterruptedException {
    Set<Long> before = workerPids();
    long[] seen = new long[ELEMENTS];
    AtomicInteger empties = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger kills = new AtomicInteger();
    AtomicBoolean iterating = new AtomicBoolean();
    Thread killer = killer(before, iterating, running, kills);
    AtomicInteger delivered = new AtomicInteger();
    try {
      iteration.accept(r -> {
        iterating.set(true);
        if (delivered.incrementAndGet() == ELEMENTS / 2) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (kills.get() < 2 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
          }
        }
        if (r.isPresent()) {
          seen[r.get().intValue()]++;
        } else {
          empties.incrementAndGet();
        }
      });
    } finally {
      running.set(false);
      killer.join();
    }
    check(seen, empties.get(), kills.get());
    assertThat(kills.get()).isPositive();
    Set<Long> after = new HashSet<>(workerPids());
    after.removeAll(before);
    assertThat(after).isEmpty();
  }

  private static IterOptions options() {
    return IterOptions.builder().granularity(GRANULARITY).poolOptions(quiet()).errorLog(m -> { }).build();
  }

  @Test
  void iterStream_workersKilledAtRandom_everyElementOnceAndOnlyKilledChunksLost() throws Exception {
    underRandomKills(g -> IterStream.iterStream(options(), 2,
        (Long x) -> {
          if (x % 20 == 0) {
            Thread.sleep(2);
          }
          return x;
        },
        g, LongStream.range(0, ELEMENTS).boxed()));
  }

  @Test
  void fullIterStream_workersKilledWithRequestsInFlight_noWaitAndEveryElementOnce() throws Exception {
    underRandomKills(g -> IterStream.<Long, Long, Long, Long, Long>iterStream(options(), 2,
        q -> CompletableFuture.supplyAsync(() -> q * 2),
        1_000_000L,
        (serv, env, x) -> x % 50 == 0 ? serv.request(x) / 2 + env - env : x,
        g, LongStream.range(0, ELEMENTS).boxed()));
  }
}
