package dev.nproc.pool.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * What a step of the engine leaves for after its lock: launches, kills, logs, callbacks. A step
 * {@link #add}s them while it holds the lock and {@link #take}s them before it releases it; the
 * same thread then {@link #run}s them, each guarded, so that one that throws stops none of the
 * others. Nothing that blocks or runs user code runs under the lock.
 *
 * <p>{@link #add} and {@link #take} are called under the engine's lock; {@link #run} after it.
 */
final class Deferred {
  private final BiConsumer<String, Throwable> errorLog;
  @GuardedBy("PoolEngine.lock")
  private List<Runnable> pending = new ArrayList<>();

  /**
   * Creates an empty list.
   *
   * @param errorLog told of an action that threw
   */
  Deferred(BiConsumer<String, Throwable> errorLog) {
    this.errorLog = errorLog;
  }

  /** Adds an action for after the lock; under the lock. */
  void add(Runnable action) {
    pending.add(action);
  }

  /** @return the actions added since the last take, or {@code null} for none; under the lock */
  List<Runnable> take() {
    if (pending.isEmpty()) {
      return null;
    }
    List<Runnable> taken = pending;
    pending = new ArrayList<>();
    return taken;
  }

  /** Runs what {@link #take} returned, after the lock is released. */
  void run(List<Runnable> actions) {
    if (actions == null) {
      return;
    }
    for (Runnable action : actions) {
      try {
        action.run();
      } catch (RuntimeException | Error e) {
        errorLog.accept("an action after the pool's lock failed", e);
      }
    }
  }
}
