package dev.nproc.pool;

import static dev.nproc.pool.testing.Workers.exited;
import static dev.nproc.pool.testing.Workers.workerPids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.SerializableFunction;
import dev.nproc.core.TaskFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Kills workers again and again under a steady load, with real signals and real exits, and
 * checks that nothing is lost, nothing runs twice, and nothing outlives the pool. The default
 * run is light; {@code -Dnproc.faults.heavy=true} kills a hundred workers.
 */
class FaultInjectionTest {
  private static final boolean HEAVY = Boolean.getBoolean("nproc.faults.heavy");
  /** Tasks that kill their own worker, by each means in turn. */
  private static final int SUICIDES = HEAVY ? 50 : 6;
  /** Workers killed from outside with SIGKILL. */
  private static final int SIGKILLS = HEAVY ? 50 : 6;
  private static final int TASKS = HEAVY ? 20_000 : 3_000;

  private static SerializableFunction<Integer, Integer> suicide(int kind) {
    return x -> {
      switch (kind % 4) {
        case 0 -> System.exit(7);
        case 1 -> Runtime.getRuntime().halt(8);
        case 2 -> {
          List<long[]> hoard = new ArrayList<>();
          while (true) {
            hoard.add(new long[1 << 20]);
          }
        }
        default -> new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
      }
      Thread.sleep(60_000);
      return x;
    };
  }

  @Test
  void killWorkersUnderLoad_everyTaskCompletesOnceWithTheRightOutcome() throws Exception {
    Set<Long> before = workerPids();
    java.util.concurrent.ConcurrentLinkedQueue<String> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Pool pool = Pool.create(2, PoolOptions.builder().name("faults").jvmArgs(List.of("-Xmx96m"))
        .workerOutput(WorkerOutput.DISCARD).errorLog(errors::add).build());
    Random random = new Random(42);
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger sigkills = new AtomicInteger();
    Thread killer = new Thread(() -> {
      while (loading.get() && sigkills.get() < SIGKILLS) {
        try {
          Thread.sleep(300 + random.nextInt(400));
        } catch (InterruptedException e) {
          return;
        }
        List<Long> mine = new ArrayList<>(workerPids());
        mine.removeAll(before);
        if (!mine.isEmpty()) {
          ProcessHandle.of(mine.get(random.nextInt(mine.size()))).ifPresent(p -> {
            if (p.destroyForcibly()) {
              sigkills.incrementAndGet();
            }
          });
        }
      }
    }, "killer");
    List<CompletableFuture<Integer>> normal = new ArrayList<>();
    List<CompletableFuture<Integer>> fatal = new ArrayList<>();
    AtomicInteger completions = new AtomicInteger();
    killer.start();
    try {
      int suicideEvery = TASKS / (SUICIDES + 1);
      for (int i = 0; i < TASKS; i++) {
        CompletableFuture<Integer> f = pool.call(x -> {
          if (x % 50 == 0) {
            Thread.sleep(5);
          }
          return x * 2;
        }, i);
        f.whenComplete((v, e) -> completions.incrementAndGet());
        normal.add(f);
        if (i % suicideEvery == suicideEvery - 1 && fatal.size() < SUICIDES) {
          CompletableFuture<Integer> s = pool.call(suicide(fatal.size()), i);
          s.whenComplete((v, e) -> completions.incrementAndGet());
          fatal.add(s);
        }
        if (i % 100 == 0) {
          Thread.sleep(HEAVY ? 30 : 15); // a steady load rather than one burst
        }
      }
      CompletableFuture.allOf(normal.toArray(new CompletableFuture[0]))
          .exceptionally(e -> null).get(HEAVY ? 600 : 180, TimeUnit.SECONDS);
      CompletableFuture.allOf(fatal.toArray(new CompletableFuture[0]))
          .exceptionally(e -> null).get(120, TimeUnit.SECONDS);
    } finally {
      loading.set(false);
      killer.join();
    }

    int normalFailures = 0;
    for (int i = 0; i < normal.size(); i++) {
      CompletableFuture<Integer> f = normal.get(i);
      try {
        assertThat(f.join()).isEqualTo(i * 2);
      } catch (CompletionException e) {
        assertThat(e.getCause()).isInstanceOfSatisfying(TaskFailedException.class,
            t -> assertThat(t.kind()).isEqualTo(TaskFailedException.Kind.WORKER_DIED));
        normalFailures++;
      }
    }
    for (CompletableFuture<Integer> s : fatal) {
      assertThat(s).isCompletedExceptionally();
      assertThat(s.handle((v, e) -> ((TaskFailedException) e).kind()).join())
          .isEqualTo(TaskFailedException.Kind.WORKER_DIED);
    }
    // A SIGKILL fails at most the one task its worker was running.
    assertThat(normalFailures).isLessThanOrEqualTo(sigkills.get());
    await().atMost(Duration.ofSeconds(10)).until(() -> completions.get() == normal.size() + fatal.size());
    PoolStats stats = pool.stats();
    assertThat(stats.submitted()).isEqualTo(normal.size() + fatal.size());
    assertThat(stats.completed() + stats.failed()).isEqualTo(stats.submitted());
    assertThat(stats.failed()).isEqualTo(normalFailures + fatal.size());
    assertThat(stats.workerRestarts()).isGreaterThanOrEqualTo(fatal.size());
    // Kills from outside are not a crash loop: no slot may be given up.
    assertThat(errors).noneMatch(m -> m.contains("given up"));
    // The pool is back to its full size.
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Set<Long> mine = new HashSet<>(workerPids());
      mine.removeAll(before);
      return mine.size() == 2;
    });
    assertThat(pool.<Integer, Integer>call(x -> x + 1, 1).get(30, TimeUnit.SECONDS)).isEqualTo(2);
    Set<Long> last = new HashSet<>(workerPids());
    last.removeAll(before);
    pool.close();
    assertThat(last).allMatch(pid -> exited(pid));
  }
}
