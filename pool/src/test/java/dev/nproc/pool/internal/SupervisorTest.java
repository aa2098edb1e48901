package dev.nproc.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.pool.internal.Supervisor.SlotState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The supervisor on its own: a fake scheduler whose clock the test moves, and a recording port
 * that stands for the engine. Worker handles are {@link W} records, compared by identity as the
 * supervisor does.
 */
class SupervisorTest {
  private static final Duration STARTUP = Duration.ofSeconds(10);
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final long NS = 1;

  /** A worker handle: its slot and generation. */
  record W(int slot, int generation) {
    @Override
    public String toString() {
      return "w" + slot + "." + generation;
    }
  }

  /** A clock moved by hand; what falls due runs in time order (then in the order scheduled). */
  static final class FakeScheduler implements Scheduler {
    final class Timer implements Cancellable {
      final long due;
      final long seq;
      final Runnable action;
      boolean cancelled;
      boolean ran;

      Timer(long due, long seq, Runnable action) {
        this.due = due;
        this.seq = seq;
        this.action = action;
      }

      @Override
      public void cancel() {
        cancelled = true;
      }

      /**
       * Runs the action although it may have been cancelled: as the engine's timer thread does
       * when the run had already begun (waiting for the engine's lock) when it was called off.
       */
      void runAnyway() {
        ran = true;
        action.run();
      }
    }

    long now = 1_000_000_000L; // not 0: nothing may take the origin for "never"
    private long seq;
    final List<Timer> timers = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable action) {
      assertThat(delayNanos).isNotNegative();
      Timer t = new Timer(now + delayNanos, seq++, action);
      timers.add(t);
      return t;
    }

    void advance(Duration d) {
      long target = now + d.toNanos();
      while (true) {
        Timer next = timers.stream().filter(t -> !t.cancelled && !t.ran && t.due <= target)
            .min(Comparator.comparingLong((Timer t) -> t.due).thenComparingLong(t -> t.seq)).orElse(null);
        if (next == null) {
          break;
        }
        now = next.due;
        next.ran = true;
        next.action.run();
      }
      now = target;
    }

    void advanceNanos(long nanos) {
      advance(Duration.ofNanos(nanos));
    }

    /** Runs what is due now, such as a replacement launched without delay. */
    void runDue() {
      advance(Duration.ZERO);
    }

    List<Timer> pending() {
      return timers.stream().filter(t -> !t.cancelled && !t.ran).collect(Collectors.toList());
    }

    Timer last() {
      return timers.get(timers.size() - 1);
    }
  }

  private final FakeScheduler clock = new FakeScheduler();
  /** What the supervisor asked of the engine: "launch 0 0", "shutdown w0.0", "kill w0.0", "gaveUp 0". */
  private final List<String> events = new ArrayList<>();
  private final List<String> messages = new ArrayList<>();
  private boolean needsWorkers = true;

  private final Supervisor.Port<W> port = new Supervisor.Port<>() {
    @Override
    public void launch(int slot, int generation) {
      events.add("launch " + slot + " " + generation);
    }

    @Override
    public void shutdown(W worker) {
      events.add("shutdown " + worker);
    }

    @Override
    public void kill(W worker, String reason) {
      events.add("kill " + worker);
      messages.add(reason);
    }

    @Override
    public Duration exitGrace(W worker) {
      return GRACE;
    }

    @Override
    public void gaveUp(int slot, String message) {
      events.add("gaveUp " + slot);
      messages.add(message);
    }
  };

  private Supervisor<W> supervisor(int slots) {
    return supervisor(slots, true);
  }

  private Supervisor<W> supervisor(int slots, boolean respawn) {
    return new Supervisor<>(slots, clock, port, () -> needsWorkers, respawn, STARTUP);
  }

  private List<String> take() {
    List<String> taken = List.copyOf(events);
    events.clear();
    return taken;
  }

  /** Completes the pending launch of {@code slot}: its new worker is starting. */
  private W launched(Supervisor<W> s, int slot, int generation) {
    W w = new W(slot, generation);
    s.launched(slot, generation, w);
    return w;
  }

  /** Launch completed and init done: the slot's worker is ready. */
  private W readyWorker(Supervisor<W> s, int slot, int generation) {
    W w = launched(s, slot, generation);
    assertThat(s.ready(slot, w)).isTrue();
    return w;
  }

  /** A supervisor of {@code slots} slots whose first workers are all ready. */
  private Supervisor<W> allReady(int slots, List<W> workers) {
    Supervisor<W> s = supervisor(slots);
    s.startAll();
    for (int i = 0; i < slots; i++) {
      workers.add(readyWorker(s, i, 0));
    }
    take();
    return s;
  }

  /** Asserts that nothing is launched until exactly {@code delay} has passed, then generation {@code gen} is. */
  private void assertLaunchAfter(Supervisor<W> s, int slot, int gen, Duration delay) {
    assertThat(s.state(slot)).isEqualTo(SlotState.SCHEDULED);
    if (!delay.isZero()) {
      clock.advance(delay.minusNanos(1));
      assertThat(take()).as("before %s", delay).isEmpty();
      assertThat(s.state(slot)).isEqualTo(SlotState.SCHEDULED);
    }
    clock.advanceNanos(delay.isZero() ? 0 : NS);
    assertThat(take()).containsExactly("launch " + slot + " " + gen);
    assertThat(s.state(slot)).isEqualTo(SlotState.LAUNCHING);
  }

  // ---------------------------------------------------------------- start

  @Test
  void startAll_emptySlots_everySlotLaunchingGenerationZero() {
    Supervisor<W> s = supervisor(3);
    assertThat(s.quiescent()).isTrue();
    s.startAll();
    assertThat(take()).containsExactly("launch 0 0", "launch 1 0", "launch 2 0");
    for (int i = 0; i < 3; i++) {
      assertThat(s.state(i)).isEqualTo(SlotState.LAUNCHING);
      assertThat(s.worker(i)).isNull();
    }
    assertThat(s.restarts()).isZero();
    assertThat(s.quiescent()).isFalse();
    assertThat(clock.pending()).isEmpty();
  }

  @Test
  void launched_notReadyWithinStartupTimeout_killedByTheStartupTimer() {
    Supervisor<W> s = supervisor(1);
    s.startAll();
    take();
    W w = launched(s, 0, 0);
    assertThat(s.state(0)).isEqualTo(SlotState.STARTING);
    assertThat(s.worker(0)).isSameAs(w);
    clock.advance(STARTUP.minusNanos(1));
    assertThat(take()).isEmpty();
    clock.advanceNanos(1);
    assertThat(take()).containsExactly("kill w0.0");
    assertThat(messages).singleElement().asString().contains("startupTimeout");
    assertThat(s.state(0)).isEqualTo(SlotState.STARTING); // until its exit is reported
    clock.advance(Duration.ofHours(1));
    assertThat(take()).isEmpty(); // killed once
  }

  @Test
  void launched_readyBeforeStartupTimeout_neverKilled() {
    Supervisor<W> s = supervisor(1);
    s.startAll();
    W w = launched(s, 0, 0);
    clock.advance(STARTUP.minusNanos(1));
    assertThat(s.ready(0, w)).isTrue();
    assertThat(s.state(0)).isEqualTo(SlotState.READY);
    clock.advance(Duration.ofHours(1));
    assertThat(take()).containsExactly("launch 0 0");
    assertThat(clock.pending()).isEmpty(); // the start-up timer was called off
  }

  @Test
  void launched_wrongGenerationOrSlotNotLaunching_throws() {
    Supervisor<W> s = supervisor(2);
    assertThatThrownBy(() -> s.launched(0, 0, new W(0, 0))).isInstanceOf(IllegalStateException.class); // EMPTY
    s.startAll();
    assertThatThrownBy(() -> s.launched(0, 1, new W(0, 1))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> s.launchFailed(0, 1, "no")).isInstanceOf(IllegalStateException.class);
    assertThat(s.state(0)).isEqualTo(SlotState.LAUNCHING);
    W w = launched(s, 0, 0);
    assertThatThrownBy(() -> s.launched(0, 0, new W(0, 0))).isInstanceOf(IllegalStateException.class); // twice
    assertThat(s.worker(0)).isSameAs(w);
  }

  // ---------------------------------------------------------------- ready

  @Test
  void ready_notTheSlotsCurrentStartingWorker_returnsFalseAndChangesNothing() {
    Supervisor<W> s = supervisor(2);
    s.startAll();
    W w0 = launched(s, 0, 0);
    assertThat(s.ready(0, new W(0, 0))).isFalse(); // an equal handle is not the same worker
    assertThat(s.ready(1, w0)).isFalse(); // the wrong slot; slot 1 is still launching
    assertThat(s.state(0)).isEqualTo(SlotState.STARTING);
    assertThat(s.state(1)).isEqualTo(SlotState.LAUNCHING);
    assertThat(s.ready(0, w0)).isTrue();
    assertThat(s.ready(0, w0)).isFalse(); // already ready
    // A worker of an earlier generation, which died: its late message changes nothing.
    s.exited(0, w0, false, "crashed", false);
    clock.runDue();
    W w1 = launched(s, 0, 1);
    assertThat(s.ready(0, w0)).isFalse();
    assertThat(s.state(0)).isEqualTo(SlotState.STARTING);
    assertThat(s.ready(0, w1)).isTrue();
  }

  @Test
  void ready_releasedWhileStarting_returnsFalse() {
    Supervisor<W> s = supervisor(1);
    s.startAll();
    W w = launched(s, 0, 0);
    needsWorkers = false;
    assertThat(s.retireAll()).isEmpty(); // it was starting: told to exit, not a retired ready slot
    assertThat(s.ready(0, w)).isFalse(); // leaving
    assertThat(s.state(0)).isEqualTo(SlotState.EMPTY);
  }

  /**
   * The start-up timer killed the worker; its ready message was already on its way (or the kill
   * takes a moment). {@code ready} promises to say false for "one that is being killed": else the
   * engine opens a lane and sends tasks to a dying worker, and the slot's start failures are
   * cleared, so a worker that is always too slow to start never gets its slot given up.
   */
  @Test
  void ready_workerAlreadyKilledByTheStartupTimer_returnsFalse() {
    Supervisor<W> s = supervisor(1);
    s.startAll();
    W w = launched(s, 0, 0);
    clock.advance(STARTUP);
    assertThat(take()).containsExactly("launch 0 0", "kill w0.0");
    assertThat(s.ready(0, w)).as("ready() of a worker the start-up timer has killed").isFalse();
  }

  @Test
  void ready_afterStartFailures_clearsTheCountsSoTheNextFailureWaitsTheFirstDelay() {
    Supervisor<W> s = supervisor(1);
    s.startAll();
    take();
    W w = launched(s, 0, 0);
    s.exited(0, w, false, "init threw", false);
    assertLaunchAfter(s, 0, 1, Duration.ofMillis(250));
    w = launched(s, 0, 1);
    s.exited(0, w, false, "init threw", false);
    assertLaunchAfter(s, 0, 2, Duration.ofMillis(500));
    w = readyWorker(s, 0, 2); // two failures, then a success
    s.exited(0, w, false, "crashed later", false);
    assertLaunchAfter(s, 0, 3, Duration.ZERO);
    w = launched(s, 0, 3);
    s.exited(0, w, false, "init threw", false);
    assertLaunchAfter(s, 0, 4, Duration.ofMillis(250)); // counted from one again
    w = launched(s, 0, 4);
    s.exited(0, w, false, "init threw", false);
    assertLaunchAfter(s, 0, 5, Duration.ofMillis(500)); // 4 failures in all, 2 in a row: not given up
    assertThat(events).doesNotContain("gaveUp 0");
  }

  // ---------------------------------------------------------------- replacement

  @Test
  void exited_readyWorkerDiesUnexpectedly_replacementScheduledWithoutDelay() {
    List<W> workers = new ArrayList<>();
    Supervisor<W> s = allReady(2, workers);
    assertThat(s.exited(1, workers.get(1), false, "crashed", false)).isFalse(); // not a start-up death
    assertThat(s.worker(1)).isNull();
    assertThat(s.state(1)).isEqualTo(SlotState.SCHEDULED);
    assertThat(take()).isEmpty(); // launched by the timer, not inside exited
    clock.runDue();
    assertThat(take()).containsExactly("launch 1 1");
    assertThat(s.state(1)).isEqualTo(SlotState.LAUNCHING);
    assertThat(s.state(0)).isEqualTo(SlotState.READY);
    assertThat(s.restarts()).isEqualTo(1);
    W w = readyWorker(s, 1, 1);
    s.exited(1, w, true, "SIGKILL", false); // killed from outside when ready: no delay either
    assertLaunchAfter(s, 1, 2, Duration.ZERO);
    assertThat(s.restarts()).isEqualTo(2);
  }

  @Test
  void exited_startupDeathsOnItsOwnAccount_backOff250Then500ThenSlotGivenUp() {
    Supervisor<W> s = supervisor(2);
    s.startAll();
    take();
    W other = readyWorker(s, 1, 0);
    W w = launched(s, 0, 0);
    assertThat(s.exited(0, w, false, "init threw #1", false)).isTrue();
    assertLaunchAfter(s, 0, 1, Duration.ofMillis(250));
    w = launched(s, 0, 1);
    assertThat(s.exited(0, w, false, "init threw #2", false)).isTrue();
    assertLaunchAfter(s, 0, 2, Duration.ofMillis(500));
    w = launched(s, 0, 2);
    assertThat(Supervisor.MAX_START_FAILURES).isEqualTo(3);
    assertThat(s.exited(0, w, false, "init threw #3", false)).isTrue();
    assertThat(take()).containsExactly("gaveUp 0");
    assertThat(messages).singleElement().asString().contains("3 times", "init threw #3");
    assertThat(s.state(0)).isEqualTo(SlotState.EMPTY);
    assertThat(s.lastFailure()).isEqualTo("init threw #3");
    clock.advance(Duration.ofHours(1));
    assertThat(take()).isEmpty(); // never launched again
    assertThat(clock.pending()).isEmpty();
    assertThat(s.state(1)).isEqualTo(SlotState.READY);
    assertThat(s.worker(1)).isSameAs(other);
    assertThat(s.restarts()).isEqualTo(2);
  }

  @Test
  void launchFailed_repeatedly_countsAsStartFailuresAndGivesUp() {
    Supervisor<W> s = supervisor(1);
    s.startAll();
    take();
    s.launchFailed(0, 0, "no java");
    assertLaunchAfter(s, 0, 1, Duration.ofMillis(250));
    s.launchFailed(0, 1, "no java");
    assertLaunchAfter(s, 0, 2, Duration.ofMillis(500));
    s.launchFailed(0, 2, "no java");
    assertThat(take()).containsExactly("gaveUp 0");
    assertThat(s.quiescent()).isTrue();
  }

  @Test
  void exited_startupDeathsFromOutside_backOffCappedAt5sAndNeverGiveUp() {
    Supervisor<W> s = supervisor(1);
    s.startAll();
    take();
    long[] expectedMillis = {250, 500, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000, 5000, 5000};
    for (int i = 0; i < expectedMillis.length; i++) {
      W w = launched(s, 0, i);
      assertThat(s.exited(0, w, true, "SIGKILL", false)).isTrue();
      assertLaunchAfter(s, 0, i + 1, Duration.ofMillis(expectedMillis[i]));
    }
    assertThat(events).doesNotContain("gaveUp 0");
    assertThat(readyWorker(s, 0, expectedMillis.length)).isNotNull(); // the slot is still alive
  }

  @Test
  void exited_mixedStartFailures_delayCappedAt5s() {
    Supervisor<W> s = supervisor(1);
    s.startAll();
    take();
    int gen = 0;
    // Two on its own account (not enough to give up), then many from outside: the delay grows
    // with all of them and stays at 5 s.
    for (int i = 0; i < 2; i++, gen++) {
      s.exited(0, launched(s, 0, gen), false, "init threw", false);
      clock.advance(Duration.ofSeconds(5));
      take();
    }
    for (int i = 0; i < 8; i++, gen++) {
      s.exited(0, launched(s, 0, gen), true, "SIGTERM", false);
      long failures = gen + 1;
      long expected = Math.min(5000, 250L << Math.min(failures - 1, 10));
      assertLaunchAfter(s, 0, gen + 1, Duration.ofMillis(expected));
    }
    assertThat(events).doesNotContain("gaveUp 0");
  }

  @Test
  void exited_respawnOff_neverRelaunched() {
    Supervisor<W> s = supervisor(2, false);
    s.startAll();
    take();
    W ready = readyWorker(s, 0, 0);
    W starting = launched(s, 1, 0);
    s.exited(0, ready, false, "crashed", false);
    assertThat(s.exited(1, starting, false, "init threw", false)).isTrue();
    clock.advance(Duration.ofHours(1));
    assertThat(take()).isEmpty();
    assertThat(s.state(0)).isEqualTo(SlotState.EMPTY);
    assertThat(s.state(1)).isEqualTo(SlotState.EMPTY);
    assertThat(s.quiescent()).isTrue();
    assertThat(s.restarts()).isZero();
  }

  @Test
  void exited_poolNeedsNoWorkers_neverRelaunched() {
    List<W> workers = new ArrayList<>();
    Supervisor<W> s = allReady(2, workers);
    needsWorkers = false;
    s.exited(0, workers.get(0), false, "crashed", false);
    clock.advance(Duration.ofHours(1));
    assertThat(take()).isEmpty();
    assertThat(s.state(0)).isEqualTo(SlotState.EMPTY);
    needsWorkers = true; // nothing polls it: a later need does not launch by itself
    clock.advance(Duration.ofHours(1));
    assertThat(take()).isEmpty();
  }

  @Test
  void exited_unknownOrStaleWorker_ignored() {
    List<W> workers = new ArrayList<>();
    Supervisor<W> s = allReady(1, workers);
    assertThat(s.exited(0, new W(0, 0), false, "?", false)).isFalse(); // equal, not the same
    assertThat(s.state(0)).isEqualTo(SlotState.READY);
    assertThat(s.exited(0, workers.get(0), false, "crashed", false)).isFalse();
    assertThat(s.exited(0, workers.get(0), false, "crashed", false)).isFalse(); // reported twice
    clock.advance(Duration.ofHours(1));
    assertThat(take()).containsExactly("launch 0 1");
  }

  // ---------------------------------------------------------------- leaving workers

  @Test
  void recycle_readyWorker_toldToExitReplacedAtOnceAndItsExitNotAFailure() {
    List<W> workers = new ArrayList<>();
    Supervisor<W> s = allReady(1, workers);
    W old = workers.get(0);
    s.recycle(0);
    assertThat(take()).containsExactly("shutdown w0.0");
    assertThat(s.worker(0)).isNull();
    assertLaunchAfter(s, 0, 1, Duration.ZERO);
    assertThat(s.restarts()).isEqualTo(1);
    assertThat(s.quiescent()).isFalse();
    // The old one exits, even badly: it had left its slot, so it is neither replaced nor counted.
    assertThat(s.exited(0, old, true, "SIGKILL", false)).isFalse();
    assertThat(s.state(0)).isEqualTo(SlotState.LAUNCHING);
    clock.advance(Duration.ofHours(1));
    assertThat(take()).isEmpty(); // its grace timer was called off too
    W w = launched(s, 0, 1);
    s.exited(0, w, false, "init threw", false);
    assertLaunchAfter(s, 0, 2, Duration.ofMillis(250)); // the first failure in a row, not the second
  }

  @Test
  void recycle_slotNotReady_ignored() {
    Supervisor<W> s = supervisor(1);
    s.recycle(0);
    s.startAll();
    s.recycle(0);
    launched(s, 0, 0);
    s.recycle(0);
    assertThat(take()).containsExactly("launch 0 0");
    assertThat(s.state(0)).isEqualTo(SlotState.STARTING);
  }

  @Test
  void recycle_oldWorkerDoesNotExitWithinGrace_killed() {
    List<W> workers = new ArrayList<>();
    Supervisor<W> s = allReady(2, workers);
    s.recycle(0);
    s.recycle(1);
    clock.runDue();
    take();
    s.exited(1, workers.get(1), false, "exited", true); // this one exits in time
    clock.advance(GRACE.minusNanos(1));
    assertThat(take()).isEmpty();
    clock.advanceNanos(1);
    assertThat(take()).containsExactly("kill w0.0");
    assertThat(messages).singleElement().asString().contains("did not exit within 2000 ms");
    assertThat(s.quiescent()).isFalse();
    s.exited(0, workers.get(0), false, "killed", false);
    assertThat(take()).isEmpty();
  }

  @Test
  void retireAll_slotsInEveryState_scheduledCalledOffStartingAndReadyToldToExit() {
    Supervisor<W> s = supervisor(5);
    s.startAll();
    W ready = readyWorker(s, 0, 0);
    W starting = launched(s, 1, 0);
    W crashing = readyWorker(s, 2, 0);
    s.exited(2, crashing, false, "crashed", false); // slot 2: SCHEDULED
    launched(s, 3, 0);
    s.exited(3, s.worker(3), false, "init threw", false); // slot 3: SCHEDULED, 250 ms
    // slot 4: LAUNCHING
    take();
    needsWorkers = false;
    assertThat(s.retireAll()).containsExactly(0);
    assertThat(take()).containsExactly("shutdown w0.0", "shutdown w1.0");
    assertThat(s.state(0)).isEqualTo(SlotState.EMPTY);
    assertThat(s.state(1)).isEqualTo(SlotState.EMPTY);
    assertThat(s.state(2)).isEqualTo(SlotState.EMPTY);
    assertThat(s.state(3)).isEqualTo(SlotState.EMPTY);
    assertThat(s.state(4)).isEqualTo(SlotState.LAUNCHING); // its launch is already running
    s.exited(0, ready, false, "exited", true);
    s.exited(1, starting, false, "exited", true);
    clock.advance(Duration.ofHours(1));
    assertThat(take()).isEmpty(); // the scheduled launches never fire, and nobody lingered
    assertThat(s.quiescent()).isFalse(); // slot 4
    W late = launched(s, 4, 0);
    assertThat(s.retireAll()).isEmpty();
    assertThat(take()).containsExactly("shutdown w4.0");
    s.exited(4, late, false, "exited", true);
    assertThat(s.quiescent()).isTrue();
  }

  @Test
  void killAll_slotsInEveryState_everyWorkerKilledAndNoLaunchAfter() {
    Supervisor<W> s = supervisor(5);
    s.startAll();
    W ready = readyWorker(s, 0, 0);
    W starting = launched(s, 1, 0);
    W crashing = readyWorker(s, 2, 0);
    s.exited(2, crashing, false, "crashed", false); // slot 2: SCHEDULED, no delay, not run yet
    W leaving = readyWorker(s, 3, 0);
    s.recycle(3); // leaving; slot 3 SCHEDULED
    // slot 4: LAUNCHING
    take();
    needsWorkers = false; // the engine is terminated first
    s.killAll("the pool was terminated");
    assertThat(take()).containsExactlyInAnyOrder("kill w0.0", "kill w1.0", "kill w3.0");
    assertThat(messages).allSatisfy(m -> assertThat(m).isEqualTo("the pool was terminated"));
    assertThat(s.state(2)).isEqualTo(SlotState.EMPTY);
    assertThat(s.state(3)).isEqualTo(SlotState.EMPTY);
    clock.advance(STARTUP.plusSeconds(1));
    assertThat(take()).as("no launch; no start-up kill of the starting worker")
        .noneMatch(e -> e.startsWith("launch") || e.equals("kill w1.0"));
    // The launch that was under way completes: killed at once, with no start-up timer.
    W late = launched(s, 4, 0);
    assertThat(take()).containsExactly("kill w4.0");
    clock.advance(Duration.ofHours(1));
    assertThat(take()).isEmpty();
    for (W w : List.of(ready, starting, leaving, late)) {
      s.exited(w.slot(), w, false, "killed", false);
    }
    clock.advance(Duration.ofHours(1));
    assertThat(take()).isEmpty();
    assertThat(s.quiescent()).isTrue();
  }

  @Test
  void kill_slot_killsItsWorkerWhichStaysTheSlotsUntilItExits() {
    List<W> workers = new ArrayList<>();
    Supervisor<W> s = allReady(2, workers);
    s.kill(0, "task 3 ran longer than taskTimeout");
    assertThat(take()).containsExactly("kill w0.0");
    assertThat(s.state(0)).isEqualTo(SlotState.READY);
    assertThat(s.worker(0)).isSameAs(workers.get(0));
    s.exited(0, workers.get(0), false, "killed", false);
    assertLaunchAfter(s, 0, 1, Duration.ZERO);
    s.kill(0, "nobody there"); // launching: no worker to kill
    assertThat(take()).isEmpty();
  }

  @Test
  void quiescent_onlyWhenEverySlotIsEmptyAndNobodyIsLeaving() {
    Supervisor<W> s = supervisor(2);
    assertThat(s.quiescent()).isTrue();
    s.startAll();
    assertThat(s.quiescent()).isFalse(); // LAUNCHING
    W a = launched(s, 0, 0);
    W b = readyWorker(s, 1, 0);
    assertThat(s.quiescent()).isFalse(); // STARTING, READY
    needsWorkers = false;
    s.retireAll();
    assertThat(s.state(0)).isEqualTo(SlotState.EMPTY);
    assertThat(s.state(1)).isEqualTo(SlotState.EMPTY);
    assertThat(s.quiescent()).isFalse(); // both leaving
    s.exited(0, a, false, "exited", true);
    assertThat(s.quiescent()).isFalse(); // one still leaving
    s.exited(1, b, false, "exited", true);
    assertThat(s.quiescent()).isTrue();
    needsWorkers = true;
    s.startAll();
    W c = readyWorker(s, 0, 1);
    s.exited(0, c, false, "crashed", false);
    assertThat(s.state(0)).isEqualTo(SlotState.SCHEDULED);
    s.launchFailed(1, 1, "x");
    assertThat(s.quiescent()).isFalse(); // SCHEDULED
  }

  // ---------------------------------------------------------------- timers called off

  @Test
  void timers_cancelledThenClockPassesTheirTime_nothingRuns() {
    Supervisor<W> s = supervisor(2);
    s.startAll();
    W w = launched(s, 0, 0);
    assertThat(s.ready(0, w)).isTrue(); // calls off the start-up timer
    W x = launched(s, 1, 0);
    s.exited(1, x, false, "init threw", false); // a 250 ms launch
    needsWorkers = false;
    s.retireAll(); // calls it off; w0.0 leaves with a grace timer
    s.exited(0, w, false, "exited", true); // calls off the grace timer
    take();
    assertThat(clock.pending()).isEmpty();
    clock.advance(Duration.ofHours(1));
    assertThat(take()).isEmpty();
  }

  @Test
  void startupTimer_calledOffAfterItBegan_killsNothing() {
    Supervisor<W> s = supervisor(1);
    s.startAll();
    W w = launched(s, 0, 0);
    FakeScheduler.Timer startup = clock.last();
    clock.advance(STARTUP.minusNanos(1));
    // It falls due while ready() holds the engine's lock: ready() calls it off, then it gets the lock.
    assertThat(s.ready(0, w)).isTrue();
    assertThat(startup.cancelled).isTrue();
    startup.runAnyway();
    assertThat(take()).containsExactly("launch 0 0"); // no kill
    assertThat(s.state(0)).isEqualTo(SlotState.READY);
  }

  @Test
  void backoffTimer_calledOffAfterItBegan_launchesNothingEvenWhenTheSlotIsScheduledAgain() {
    Supervisor<W> s = supervisor(1);
    s.startAll();
    take();
    W w = launched(s, 0, 0);
    s.exited(0, w, false, "init threw", false); // a 250 ms launch
    FakeScheduler.Timer first = clock.last();
    needsWorkers = false;
    s.retireAll(); // calls it off while it is (say) waiting for the lock
    clock.advance(Duration.ofMillis(250));
    assertThat(take()).isEmpty();
    needsWorkers = true;
    s.startAll(); // generation 1
    s.launchFailed(0, 1, "no java"); // scheduled again: 500 ms
    take();
    assertThat(s.state(0)).isEqualTo(SlotState.SCHEDULED);
    first.runAnyway(); // the old run finally gets the lock: not its turn any more
    assertThat(take()).isEmpty();
    assertThat(s.state(0)).isEqualTo(SlotState.SCHEDULED);
    assertLaunchAfter(s, 0, 2, Duration.ofMillis(500));
  }

  @Test
  void graceTimer_calledOffAfterItBegan_killsNothing() {
    List<W> workers = new ArrayList<>();
    Supervisor<W> s = allReady(1, workers);
    s.recycle(0);
    FakeScheduler.Timer grace = clock.timers.stream().filter(t -> t.due == clock.now + GRACE.toNanos())
        .findFirst().orElseThrow();
    clock.runDue();
    take();
    s.exited(0, workers.get(0), false, "exited", true);
    assertThat(grace.cancelled).isTrue();
    grace.runAnyway();
    assertThat(take()).isEmpty();
  }
}
