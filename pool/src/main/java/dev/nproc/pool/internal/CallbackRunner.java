package dev.nproc.pool.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Runs the pool's callbacks (completing task futures, which runs the callers' dependent stages;
 * serving requests; reporting failures) off the pipe readers, on a cached pool of daemon threads.
 *
 * <h2>Concurrency</h2>
 * A pipe reader takes every frame that arrived together, so the futures of many finished tasks
 * are completed together: one hand-off to a callback thread for the whole {@link #runAll batch},
 * not one per task, which is most of what a trivial task costs the master. But a caller's
 * dependent stage may block (a {@code thenAccept} that waits for another task, even for one
 * later in the same batch), and the batch must not wait behind it. So any number of threads may
 * run a batch: each claims its next item with one atomic increment, so an item runs exactly once,
 * and the batch is done when its last item has been claimed. A watchdog on the pool's timer
 * thread looks at the unfinished batches every {@link #STALL_MILLIS} ms, and for each one that
 * claimed no item since its last look (its runner is stuck in one item), it starts another
 * runner. A batch blocked in k items thus gets k + 1 runners within k looks, and nothing waits
 * forever behind a blocked callback. The watchdog runs only while batches are unfinished.
 */
final class CallbackRunner {
  /** How long a batch may run one item before another thread takes over the rest. */
  static final long STALL_MILLIS = 10;

  private final ThreadPoolExecutor threads;
  private final ScheduledExecutorService timer;
  private final String lateThreadName;
  private final BiConsumer<String, Throwable> errorLog;
  /** Batches whose last item has not been claimed yet. */
  private final Set<Batch> unfinished = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean watching = new AtomicBoolean();

  /**
   * Creates a runner.
   *
   * @param poolName the pool's name, for thread names
   * @param timer the pool's timer, which runs the watchdog
   * @param errorLog told of a callback that threw
   */
  CallbackRunner(String poolName, ScheduledExecutorService timer, BiConsumer<String, Throwable> errorLog) {
    this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        daemonThreads(poolName + "-callback-"));
    this.timer = timer;
    this.lateThreadName = poolName + "-late-callback";
    this.errorLog = errorLog;
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Runs one callback on a thread of its own.
   *
   * @param callback the callback
   */
  void run(Runnable callback) {
    try {
      threads.execute(callback);
    } catch (RejectedExecutionException e) {
      // the pool has shut its threads down; a late callback (a cancelled task's, say) still runs
      Thread t = new Thread(callback, lateThreadName);
      t.setDaemon(true);
      t.start();
    }
  }

  /**
   * Runs callbacks in order, on one thread while none of them blocks, on more when one does.
   *
   * @param callbacks the callbacks
   */
  void runAll(List<Runnable> callbacks) {
    if (callbacks.size() == 1) {
      run(callbacks.get(0));
      return;
    }
    Batch batch = new Batch(callbacks.toArray(new Runnable[0]));
    unfinished.add(batch);
    run(batch);
    if (watching.compareAndSet(false, true)) {
      watchLater();
    }
  }

  /** Ends the threads once their callbacks are done; later callbacks get threads of their own. */
  void shutdown() {
    threads.shutdown();
  }

  private void watchLater() {
    try {
      timer.schedule(this::watch, STALL_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The pool is shut down and its timer with it: no more looks, so give every unfinished
      // batch a runner of its own now (a spare runner finds nothing to claim and ends).
      watching.set(false);
      for (Batch batch : unfinished) {
        run(batch);
      }
    }
  }

  /** The watchdog: on the timer thread only. */
  private void watch() {
    for (Batch batch : unfinished) {
      if (batch.stalled()) {
        run(batch);
      }
    }
    watching.set(false);
    if (!unfinished.isEmpty() && watching.compareAndSet(false, true)) {
      watchLater();
    }
  }

  /** Callbacks that any number of threads run together, each item once. */
  private final class Batch implements Runnable {
    private final Runnable[] items;
    private final AtomicInteger next = new AtomicInteger();
    /** The claims counted at the watchdog's last look; read and written by the timer thread only. */
    private int claimsSeen = -1;

    Batch(Runnable[] items) {
      this.items = items;
    }

    @Override
    public void run() {
      for (int i = next.getAndIncrement(); i < items.length; i = next.getAndIncrement()) {
        if (i == items.length - 1) {
          unfinished.remove(this);
        }
        try {
          items[i].run();
        } catch (RuntimeException | Error e) {
          errorLog.accept("a callback failed", e);
        }
      }
    }

    /** Whether no item was claimed since the last look: its runner is stuck in one. */
    boolean stalled() {
      int claims = next.get();
      boolean stalled = claims == claimsSeen;
      claimsSeen = claims;
      return stalled;
    }
  }
}
