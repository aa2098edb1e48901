package dev.nproc.pool.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The life of the pool's worker slots: launching, start-up, readiness, replacement with backoff,
 * crash loops, and the timers that guard them. Events in (launched, ready, exited, a timer
 * fired), actions out through its {@link Port}; time comes from an injected {@link Scheduler}.
 * The engine calls it under its lock, and so do the timers (the engine's scheduler takes the lock
 * around each run); the port's actions that block or run user code are run by the engine after
 * it releases the lock.
 *
 * <h2>One state per slot</h2>
 * <pre>
 *   state       meaning                                   leaves on
 *   EMPTY       no worker, none coming                    a launch (first start, or replacement without delay)
 *   SCHEDULED   a launch waits on the timer (backoff)     its timer: LAUNCHING; the pool ending: EMPTY
 *   LAUNCHING   the engine is starting a process          launched: STARTING; launch failed: EMPTY or SCHEDULED
 *   STARTING    the worker runs its init                  ready: READY; exit or start-up time-out: EMPTY or SCHEDULED
 *   READY       the worker takes tasks                    exit: EMPTY or SCHEDULED; recycled: SCHEDULED; retired: EMPTY
 * </pre>
 * A worker told to exit (recycled after {@code maxTasksPerWorker}, or retired when a closing pool
 * is drained) leaves its slot at once, so that a replacement can start without waiting for it,
 * and is <em>leaving</em> until its process is gone; a grace timer kills it if it lingers. So a
 * pending launch is one state of one slot, and a live worker is either one slot's or leaving:
 * nothing is tracked twice.
 *
 * <h2>Replacement</h2>
 * A worker that dies unexpectedly is replaced while the pool needs workers and respawn is on. A
 * death during start-up counts against the slot: after {@link #MAX_START_FAILURES} in a row on the
 * worker's own account (init threw, bad flags, a crash) the slot is given up; deaths by a signal
 * sent from outside (SIGKILL, SIGTERM, ...) are retried with backoff and never give up. The n-th
 * start failure in a row waits {@code min(5 s, 250 ms × 2^(n-1))}. A worker that becomes ready
 * clears its slot's counts.
 *
 * <p>Not thread-safe: one caller at a time (the engine's lock).
 *
 * @param <W> the engine's handle of a live worker
 */
final class Supervisor<W> {
  /** Start failures in a row on the worker's own account after which a slot is given up. */
  static final int MAX_START_FAILURES = 3;

  enum SlotState { EMPTY, SCHEDULED, LAUNCHING, STARTING, READY }

  /** What the supervisor asks of the engine; called under the engine's lock. */
  interface Port<W> {
    /**
     * Starts a worker for {@code slot}; the engine does it after releasing the lock, then reports
     * {@link #launched} or {@link #launchFailed}.
     *
     * @param slot the slot
     * @param generation the new worker's generation (0 for the first of the slot)
     */
    void launch(int slot, int generation);

    /**
     * Tells a worker to finish what it holds and exit.
     *
     * @param worker the worker
     */
    void shutdown(W worker);

    /**
     * Kills a worker.
     *
     * @param worker the worker
     * @param reason why, for its death's description
     */
    void kill(W worker, String reason);

    /**
     * Returns how long a worker told to exit may take before it is killed.
     *
     * @param worker the worker
     * @return the grace
     */
    Duration exitGrace(W worker);

    /**
     * A slot was given up after too many failed starts.
     *
     * @param slot the slot
     * @param message what to log
     */
    void gaveUp(int slot, String message);
  }

  private final class Slot {
    final int id;
    SlotState state = SlotState.EMPTY;
    int generation = -1;
    W worker;
    /** Whether its worker was told to die (start-up time-out, a task's time-out, the pool's end). */
    boolean condemned;
    Scheduler.Cancellable timer;
    /** Counts the slot's timers, so that a timer called off while waiting for the lock does nothing. */
    int timerEpoch;
    int startFailures;
    int startKills;
    String lastFailure;

    Slot(int id) {
      this.id = id;
    }

    void stopTimer() {
      timerEpoch++;
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }

  private final List<Slot> slots;
  private final Scheduler scheduler;
  private final Port<W> port;
  private final BooleanSupplier needsWorkers;
  private final boolean respawn;
  private final Duration startupTimeout;
  private final Map<W, Scheduler.Cancellable> leaving = new LinkedHashMap<>();
  private long restarts;
  private String killedBecause;

  /**
   * Creates a supervisor of {@code slots} empty slots.
   *
   * @param slots the pool's size
   * @param scheduler the clock and timers
   * @param port the engine
   * @param needsWorkers whether the pool still needs workers (running, or closing with work left)
   * @param respawn whether dead workers are replaced
   * @param startupTimeout how long a worker may take to become ready
   */
  Supervisor(int slots, Scheduler scheduler, Port<W> port, BooleanSupplier needsWorkers, boolean respawn,
             Duration startupTimeout) {
    this.slots = new ArrayList<>(slots);
    for (int i = 0; i < slots; i++) {
      this.slots.add(new Slot(i));
    }
    this.scheduler = scheduler;
    this.port = port;
    this.needsWorkers = needsWorkers;
    this.respawn = respawn;
    this.startupTimeout = startupTimeout;
  }

  // ------------------------------------------------------------------ events

  /** Launches a worker in every empty slot: the pool's start. */
  void startAll() {
    for (Slot slot : slots) {
      if (slot.state == SlotState.EMPTY) {
        launch(slot);
      }
    }
  }

  /**
   * A launch succeeded: the worker runs its init; its start-up timer starts.
   *
   * @param slot the slot
   * @param generation the generation the launch was for
   * @param worker the new worker
   */
  void launched(int slot, int generation, W worker) {
    Slot s = slots.get(slot);
    if (s.state != SlotState.LAUNCHING || s.generation != generation) {
      throw new IllegalStateException("slot " + slot + " is " + s.state + " (generation " + s.generation
          + "), not launching generation " + generation);
    }
    s.state = SlotState.STARTING;
    s.worker = worker;
    s.condemned = false;
    if (killedBecause != null) {
      condemn(s, killedBecause);
      return;
    }
    s.timer = scheduler.schedule(startupTimeout.toNanos(), () -> {
      if (s.worker == worker && s.state == SlotState.STARTING) {
        s.timer = null;
        condemn(s, "it did not become ready within startupTimeout (" + startupTimeout + ")");
      }
    });
  }

  /**
   * A launch failed before any process ran.
   *
   * @param slot the slot
   * @param generation the generation the launch was for
   * @param error why
   */
  void launchFailed(int slot, int generation, String error) {
    Slot s = slots.get(slot);
    if (s.state != SlotState.LAUNCHING || s.generation != generation) {
      throw new IllegalStateException("slot " + slot + " is " + s.state + ", not launching generation " + generation);
    }
    s.state = SlotState.EMPTY;
    s.startFailures++;
    s.lastFailure = error;
    replaceIfNeeded(s);
  }

  /**
   * A worker said it is ready.
   *
   * @param slot its slot
   * @param worker the worker
   * @return whether it is now the slot's ready worker (not one that is being killed or leaving)
   */
  boolean ready(int slot, W worker) {
    Slot s = slots.get(slot);
    if (s.worker != worker || s.state != SlotState.STARTING || s.condemned) {
      return false;
    }
    s.stopTimer();
    s.state = SlotState.READY;
    s.startFailures = 0;
    s.startKills = 0;
    return true;
  }

  /**
   * The ready worker of {@code slot} reached {@code maxTasksPerWorker}: it leaves, and a
   * replacement is launched at once.
   *
   * @param slot the slot
   */
  void recycle(int slot) {
    Slot s = slots.get(slot);
    if (s.state != SlotState.READY) {
      return;
    }
    release(s);
    replaceIfNeeded(s);
  }

  /**
   * Retires every worker and calls off every scheduled launch: the closing pool is drained.
   *
   * @return the slots whose ready worker was told to exit
   */
  List<Integer> retireAll() {
    List<Integer> retired = new ArrayList<>();
    for (Slot s : slots) {
      if (s.state == SlotState.SCHEDULED) {
        s.stopTimer();
        s.state = SlotState.EMPTY;
      } else if (s.state == SlotState.STARTING || s.state == SlotState.READY) {
        if (s.state == SlotState.READY) {
          retired.add(s.id);
        }
        release(s);
      }
    }
    return retired;
  }

  /** Kills every worker and calls off every scheduled launch: the pool is terminated. */
  void killAll(String reason) {
    killedBecause = reason;
    for (Slot s : slots) {
      s.stopTimer();
      if (s.state == SlotState.SCHEDULED) {
        s.state = SlotState.EMPTY;
      } else if (s.worker != null) {
        condemn(s, reason);
      }
    }
    for (W w : leaving.keySet()) {
      port.kill(w, reason);
    }
  }

  /**
   * Kills the worker of {@code slot}; it stays the slot's until its exit is reported.
   *
   * @param slot the slot
   * @param reason why
   */
  void kill(int slot, String reason) {
    Slot s = slots.get(slot);
    if (s.worker != null) {
      condemn(s, reason);
    }
  }

  /**
   * A worker's process is gone.
   *
   * @param slot its slot
   * @param worker the worker
   * @param killedFromOutside whether a signal sent by someone else ended it
   * @param description what happened, kept as the slot's last failure if it was starting
   * @param expected whether it exited as told, holding nothing
   * @return whether it died during start-up (its slot's start-up failed)
   */
  boolean exited(int slot, W worker, boolean killedFromOutside, String description, boolean expected) {
    Scheduler.Cancellable grace = leaving.remove(worker);
    if (grace != null) {
      grace.cancel();
      return false;
    }
    Slot s = slots.get(slot);
    if (s.worker != worker) {
      return false;
    }
    boolean starting = s.state == SlotState.STARTING;
    s.stopTimer();
    s.worker = null;
    s.state = SlotState.EMPTY;
    if (starting) {
      if (killedFromOutside) {
        s.startKills++;
      } else {
        s.startFailures++;
      }
      s.lastFailure = description;
    }
    if (!expected) {
      replaceIfNeeded(s);
    }
    return starting;
  }

  /**
   * Runs a timer's action for a task: the engine's task time-out.
   *
   * @param delay the delay
   * @param action what to do, under the engine's lock
   * @return the handle
   */
  Scheduler.Cancellable after(Duration delay, Runnable action) {
    return scheduler.schedule(delay.toNanos(), action);
  }

  // ------------------------------------------------------------------ queries

  /** @return the state of {@code slot} */
  SlotState state(int slot) {
    return slots.get(slot).state;
  }

  /** @return the worker of {@code slot}, or {@code null} */
  W worker(int slot) {
    return slots.get(slot).worker;
  }

  /** @return whether no worker is alive or coming: every slot empty, nobody leaving */
  boolean quiescent() {
    for (Slot s : slots) {
      if (s.state != SlotState.EMPTY) {
        return false;
      }
    }
    return leaving.isEmpty();
  }

  /** @return workers launched after the first generation of their slot */
  long restarts() {
    return restarts;
  }

  /** @return the first slot's last start failure, for a message, or "unknown" */
  String lastFailure() {
    for (Slot s : slots) {
      if (s.lastFailure != null) {
        return s.lastFailure;
      }
    }
    return "unknown";
  }

  // ------------------------------------------------------------------ steps

  private void launch(Slot s) {
    s.state = SlotState.LAUNCHING;
    s.generation++;
    if (s.generation > 0) {
      restarts++;
    }
    port.launch(s.id, s.generation);
  }

  /** Kills the slot's worker; it stays the slot's until its exit, but can no longer become ready. */
  private void condemn(Slot s, String reason) {
    s.condemned = true;
    port.kill(s.worker, reason);
  }

  /** The slot's worker is told to exit and leaves the slot, which becomes empty. */
  private void release(Slot s) {
    W w = s.worker;
    s.stopTimer();
    s.worker = null;
    s.state = SlotState.EMPTY;
    port.shutdown(w);
    Duration grace = port.exitGrace(w);
    leaving.put(w, scheduler.schedule(grace.toNanos(), () -> {
      if (leaving.containsKey(w)) {
        port.kill(w, "it did not exit within " + grace.toMillis() + " ms of being told to");
      }
    }));
  }

  /** Starts a replacement for an empty slot, with backoff, unless it is not wanted or the slot keeps failing. */
  private void replaceIfNeeded(Slot s) {
    if (s.state != SlotState.EMPTY || !respawn || !needsWorkers.getAsBoolean()) {
      return;
    }
    if (s.startFailures >= MAX_START_FAILURES) {
      port.gaveUp(s.id, "worker " + s.id + " failed to start " + s.startFailures
          + " times in a row; its slot is given up. Last failure: " + s.lastFailure);
      return;
    }
    int failures = s.startFailures + s.startKills;
    long delayMillis = failures == 0 ? 0 : Math.min(5_000, 250L << Math.min(failures - 1, 5));
    s.state = SlotState.SCHEDULED;
    int epoch = ++s.timerEpoch;
    s.timer = scheduler.schedule(delayMillis * 1_000_000, () -> {
      if (s.state == SlotState.SCHEDULED && s.timerEpoch == epoch) {
        s.timer = null;
        launch(s);
      }
    });
  }
}
