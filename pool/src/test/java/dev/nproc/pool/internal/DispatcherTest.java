package dev.nproc.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.core.internal.wire.FunctionCache;
import dev.nproc.core.internal.wire.ProtocolException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher on its own: a recording port stands for the engine, and the test plays the
 * workers (it answers, gives back or loses tasks as a worker would).
 */
class DispatcherTest {
  private static final long F = 7;

  /** What the dispatcher asked of the engine, in order: "send 0 1 +f", "started 0 1", "revoke 0 3", ... */
  private final List<String> events = new ArrayList<>();
  private final Dispatcher.Port recorder = new Dispatcher.Port() {
    @Override
    public void send(int slot, PendingTask task, boolean withFunction) {
      events.add("send " + slot + " " + task.id + (withFunction ? " +f" : ""));
    }

    @Override
    public void revoke(int slot, long taskId) {
      events.add("revoke " + slot + " " + taskId);
    }

    @Override
    public void started(int slot, PendingTask task) {
      events.add("started " + slot + " " + task.id);
    }

    @Override
    public void cancel(int slot, PendingTask task, boolean running) {
      events.add("cancel " + slot + " " + task.id + (running ? " running" : ""));
    }

    @Override
    public void dropped(PendingTask task) {
      events.add("dropped " + task.id);
    }

    @Override
    public void drained(int slot) {
      events.add("drained " + slot);
    }
  };

  private final Map<Long, PendingTask> tasks = new HashMap<>();

  private Dispatcher dispatcher(int slots, int depth, int maxTasksPerWorker) {
    return new Dispatcher(slots, depth, maxTasksPerWorker, recorder);
  }

  private PendingTask task(long id) {
    return task(id, F);
  }

  private PendingTask task(long id, long functionId) {
    PendingTask t = new PendingTask(id, new FunctionRegistry.Encoded(functionId, new byte[] {1, 2, 3}),
        new byte[] {(byte) id}, false, Delivery.AS_VALUE);
    tasks.put(id, t);
    return t;
  }

  private void submit(Dispatcher d, long... ids) {
    for (long id : ids) {
      d.submit(task(id));
    }
  }

  /** The events so far, which are then forgotten. */
  private List<String> take() {
    List<String> taken = List.copyOf(events);
    events.clear();
    return taken;
  }

  private List<String> taken(String kind) {
    return take().stream().filter(e -> e.startsWith(kind + " ")).collect(Collectors.toList());
  }

  private static List<Long> ids(List<PendingTask> list) {
    return list.stream().map(t -> t.id).collect(Collectors.toList());
  }

  // ---------------------------------------------------------------- order and balance

  @Test
  void submit_singleWorker_sentAndStartedInFifoOrder() {
    Dispatcher d = dispatcher(1, 1, 0);
    d.open(0);
    submit(d, 1, 2, 3, 4, 5);
    assertThat(take()).containsExactly("send 0 1 +f", "started 0 1");
    List<String> later = new ArrayList<>();
    for (long id = 1; id <= 5; id++) {
      assertThat(d.finished(0, id).id).isEqualTo(id);
      later.addAll(take());
    }
    assertThat(later).containsExactly(
        "send 0 2", "started 0 2",
        "send 0 3", "started 0 3",
        "send 0 4", "started 0 4",
        "send 0 5", "started 0 5");
    assertThat(d.hasWork()).isFalse();
  }

  @Test
  void submit_pipelinedSingleWorker_sentInFifoOrder() {
    Dispatcher d = dispatcher(1, 3, 0);
    submit(d, 1, 2, 3, 4, 5, 6); // queued before any worker is ready
    assertThat(take()).isEmpty();
    d.open(0);
    assertThat(taken("send")).containsExactly("send 0 1 +f", "send 0 2", "send 0 3");
    for (long id = 1; id <= 3; id++) {
      d.finished(0, id);
    }
    assertThat(taken("send")).containsExactly("send 0 4", "send 0 5", "send 0 6");
  }

  @Test
  void submit_idleLanesTie_theStartRotatesOverTheSlots() {
    Dispatcher d = dispatcher(3, 2, 0);
    d.open(0);
    d.open(1);
    d.open(2);
    List<String> sends = new ArrayList<>();
    for (long id = 1; id <= 6; id++) {
      d.submit(task(id));
      sends.addAll(taken("send"));
      d.finished(Integer.parseInt(sends.get(sends.size() - 1).split(" ")[1]), id);
      take();
    }
    assertThat(sends).extracting(s -> s.split(" ")[1]).containsExactly("0", "1", "2", "0", "1", "2");
  }

  @Test
  void submit_lanesUnevenlyLoaded_theLeastBusyLaneGetsTheTask() {
    Dispatcher d = dispatcher(3, 4, 0);
    d.open(0);
    d.open(1);
    d.open(2);
    submit(d, 1, 2, 3, 4, 5, 6);
    assertThat(List.of(d.holding(0), d.holding(1), d.holding(2))).containsExactly(2, 2, 2);
    Map<Integer, List<Long>> held = lanesFrom(take());
    long next = 7;
    // Whatever the rotating start, the one lane with fewer tasks than the others gets the next one.
    for (int round = 0; round < 6; round++) {
      int lighter = round % 3;
      long head = held.get(lighter).remove(0);
      d.finished(lighter, head);
      take();
      d.submit(task(next));
      assertThat(taken("send")).containsExactly("send " + lighter + " " + next);
      held.get(lighter).add(next++);
    }
  }

  /** Replays "send" events into the tasks each lane holds, in order. */
  private static Map<Integer, List<Long>> lanesFrom(List<String> events) {
    Map<Integer, List<Long>> lanes = new HashMap<>();
    for (String e : events) {
      String[] p = e.split(" ");
      if (p[0].equals("send")) {
        lanes.computeIfAbsent(Integer.parseInt(p[1]), k -> new ArrayList<>()).add(Long.parseLong(p[2]));
      }
    }
    return lanes;
  }

  @Test
  void submit_manyTasks_noLaneEverHoldsMoreThanPipelineDepth() {
    Dispatcher d = dispatcher(2, 3, 0);
    d.open(0);
    d.open(1);
    for (long id = 1; id <= 20; id++) {
      d.submit(task(id));
      assertThat(d.holding(0)).isLessThanOrEqualTo(3);
      assertThat(d.holding(1)).isLessThanOrEqualTo(3);
    }
    assertThat(d.holding(0)).isEqualTo(3);
    assertThat(d.holding(1)).isEqualTo(3);
    assertThat(d.inFlight()).isEqualTo(6);
    assertThat(d.queued()).isEqualTo(14);
    Map<Integer, List<Long>> held = lanesFrom(take());
    int done = 0;
    while (d.hasWork()) {
      int slot = done++ % 2;
      if (held.getOrDefault(slot, List.of()).isEmpty()) {
        continue;
      }
      d.finished(slot, held.get(slot).remove(0));
      lanesFrom(take()).forEach((s, ids) -> held.computeIfAbsent(s, k -> new ArrayList<>()).addAll(ids));
      assertThat(d.holding(0)).isLessThanOrEqualTo(3).isEqualTo(held.get(0).size());
      assertThat(d.holding(1)).isLessThanOrEqualTo(3).isEqualTo(held.get(1).size());
    }
    assertThat(d.inFlight()).isZero();
  }

  @Test
  void started_eachTaskReachingTheHead_reportedOnceAndInOrder() {
    Dispatcher d = dispatcher(1, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3, 4);
    assertThat(take()).containsExactly("send 0 1 +f", "started 0 1", "send 0 2", "send 0 3");
    assertThat(d.runs(0, 1)).isTrue();
    assertThat(d.runs(0, 2)).isFalse();
    d.finished(0, 1);
    assertThat(take()).containsExactly("started 0 2", "send 0 4");
    d.finished(0, 2);
    d.finished(0, 3);
    d.finished(0, 4);
    assertThat(take()).containsExactly("started 0 3", "started 0 4");
    assertThat(tasks.values()).allSatisfy(t -> assertThat(t.started).isTrue());
  }

  // ---------------------------------------------------------------- the function cache twin

  @Test
  void send_sameFunctionAgainToALane_bytesOnlyTheFirstTimePerLane() {
    Dispatcher d = dispatcher(2, 4, 0);
    d.open(0);
    d.submit(task(1, 7));
    d.submit(task(2, 8)); // only lane 0 is open
    d.submit(task(3, 7));
    d.submit(task(4, 8));
    assertThat(taken("send")).containsExactly("send 0 1 +f", "send 0 2 +f", "send 0 3", "send 0 4");
    d.open(1);
    take(); // a revoke of lane 0's youngest: not what this test is about
    d.submit(task(5, 7));
    d.submit(task(6, 7));
    // A lane of its own: its worker has never seen function 7.
    assertThat(taken("send")).containsExactly("send 1 5 +f", "send 1 6");
  }

  @Test
  void send_uncachedFunction_bytesWithEveryTask() {
    Dispatcher d = dispatcher(1, 4, 0);
    d.open(0);
    d.submit(task(1, FunctionCache.UNCACHED));
    d.submit(task(2, FunctionCache.UNCACHED));
    assertThat(taken("send")).containsExactly("send 0 1 +f", "send 0 2 +f");
  }

  @Test
  void send_freshLaneAfterLostAndOpen_bytesSentAgain() {
    Dispatcher d = dispatcher(1, 2, 0);
    d.open(0);
    submit(d, 1, 2);
    d.finished(0, 1);
    d.finished(0, 2);
    assertThat(taken("send")).containsExactly("send 0 1 +f", "send 0 2");
    d.lost(0);
    d.open(0); // the slot's new worker
    submit(d, 3, 4);
    assertThat(taken("send")).containsExactly("send 0 3 +f", "send 0 4");
  }

  // ---------------------------------------------------------------- a worker lost

  @Test
  void lost_workerHoldingNothing_nothingHandedBackOrRequeued() {
    Dispatcher d = dispatcher(2, 2, 0);
    d.open(0);
    d.open(1);
    d.submit(task(1));
    int busy = d.holding(0) == 1 ? 0 : 1;
    take();
    Dispatcher.Loss loss = d.lost(1 - busy);
    assertThat(loss.running()).isNull();
    assertThat(loss.requeued()).isZero();
    assertThat(take()).isEmpty();
    assertThat(d.inFlight()).isEqualTo(1);
    assertThat(d.queued()).isZero();
    // The lost lane is closed: a new task goes to the remaining worker.
    d.submit(task(2));
    assertThat(taken("send")).containsExactly("send " + busy + " 2");
  }

  @Test
  void lost_workerHoldingOne_thatTaskHandedBackAndNothingRequeued() {
    Dispatcher d = dispatcher(2, 2, 0);
    d.open(0);
    d.submit(task(1));
    Dispatcher.Loss loss = d.lost(0);
    assertThat(loss.running()).isSameAs(tasks.get(1L));
    assertThat(loss.requeued()).isZero();
    assertThat(d.hasWork()).isFalse();
    assertThat(d.inFlight()).isZero();
    d.open(1);
    assertThat(taken("send")).containsExactly("send 0 1 +f"); // never sent again
    assertThatThrownBy(() -> d.finished(0, 1)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void lost_workerHoldingSeveral_runningHandedBackTheRestRequeuedAtTheHeadInOrder() {
    Dispatcher d = dispatcher(2, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3, 4, 5); // lane 0 holds 1, 2, 3; 4 and 5 wait
    take();
    Dispatcher.Loss loss = d.lost(0);
    assertThat(loss.running()).isSameAs(tasks.get(1L));
    assertThat(loss.requeued()).isEqualTo(2);
    assertThat(d.queued()).isEqualTo(4);
    assertThat(d.inFlight()).isZero();
    assertThat(tasks.get(2L).started).isFalse();
    d.open(1);
    // Requeued ahead of the tasks that never left the queue, in their order, and 2 starts anew.
    assertThat(take()).containsExactly("send 1 2 +f", "started 1 2", "send 1 3", "send 1 4");
    d.finished(1, 2);
    d.finished(1, 3);
    d.finished(1, 4);
    assertThat(taken("send")).containsExactly("send 1 5");
    d.finished(1, 5);
    assertThat(d.hasWork()).isFalse();
  }

  @Test
  void lost_whileAnotherLaneHasRoom_requeuedTasksGoToItAtOnce() {
    Dispatcher d = dispatcher(2, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    d.open(1); // revokes 3 from lane 0 for the idle lane
    assertThat(take()).endsWith("revoke 0 3");
    Dispatcher.Loss loss = d.lost(0); // lost before it answered the revoke
    assertThat(loss.running().id).isEqualTo(1);
    assertThat(take()).containsExactly("send 1 2 +f", "started 1 2", "send 1 3");
    assertThat(d.queued()).isZero();
    assertThat(d.inFlight()).isEqualTo(2);
    // The revoke died with lane 0: its answer can no longer arrive, and no task is in two places.
    assertThatThrownBy(() -> d.revoked(0, 3)).isInstanceOf(ProtocolException.class);
    assertThat(d.holding(1)).isEqualTo(2);
  }

  // ---------------------------------------------------------------- protocol errors

  @Test
  void finished_taskTheWorkerDoesNotHold_throwsProtocolException() {
    Dispatcher d = dispatcher(2, 2, 0);
    d.open(0);
    submit(d, 1);
    assertThatThrownBy(() -> d.finished(0, 99)).isInstanceOf(ProtocolException.class).hasMessageContaining("99");
    assertThatThrownBy(() -> d.finished(1, 1)).isInstanceOf(ProtocolException.class); // no lane at all
    assertThatThrownBy(() -> d.revoked(0, 99)).isInstanceOf(ProtocolException.class);
    assertThat(d.finished(0, 1).id).isEqualTo(1);
    assertThatThrownBy(() -> d.finished(0, 1)).isInstanceOf(ProtocolException.class); // answered twice
    assertThat(d.inFlight()).isZero();
    assertThat(d.hasWork()).isFalse();
  }

  @Test
  void openAndRetire_misuse_throwsIllegalState() {
    assertThatThrownBy(() -> dispatcher(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    Dispatcher d = dispatcher(2, 2, 0);
    d.open(0);
    assertThatThrownBy(() -> d.open(0)).isInstanceOf(IllegalStateException.class);
    submit(d, 1);
    assertThatThrownBy(() -> d.retire(0)).isInstanceOf(IllegalStateException.class);
    d.finished(0, 1);
    d.retire(0);
    submit(d, 2);
    assertThat(d.queued()).isEqualTo(1); // a retired lane takes nothing
    assertThat(d.holding(0)).isZero();
  }

  // ---------------------------------------------------------------- revoke

  @Test
  void open_idleLaneWhileAnotherHoldsUnstartedTasks_exactlyOneRevokeOfTheYoungest() {
    Dispatcher d = dispatcher(3, 4, 0);
    d.open(0);
    submit(d, 1, 2, 3, 4);
    take();
    d.open(1);
    assertThat(take()).containsExactly("revoke 0 4");
    d.open(2); // idle too, but lane 0 already has a revoke pending
    assertThat(take()).isEmpty();
    d.finished(0, 1); // another chance to dispatch: still no second revoke
    assertThat(take()).containsExactly("started 0 2");
  }

  @Test
  void open_idleLane_revokesFromTheFullestLane() {
    Dispatcher d = dispatcher(3, 4, 0);
    d.open(0);
    d.open(1);
    submit(d, 1, 2, 3, 4, 5, 6, 7); // 4 + 3, or 3 + 4
    int fuller = d.holding(0) == 4 ? 0 : 1;
    long youngest = lanesFrom(take()).get(fuller).get(3);
    d.open(2);
    assertThat(take()).containsExactly("revoke " + fuller + " " + youngest);
  }

  @Test
  void revoke_laneWhoseOnlyTaskIsRunning_notRevoked() {
    Dispatcher d = dispatcher(2, 4, 0);
    d.open(0);
    submit(d, 1);
    d.open(1);
    assertThat(taken("revoke")).isEmpty();
  }

  @Test
  void revoked_taskGoesToTheIdleLane() {
    Dispatcher d = dispatcher(2, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    d.open(1);
    assertThat(take()).endsWith("revoke 0 3");
    d.revoked(0, 3);
    assertThat(take()).containsExactly("send 1 3 +f", "started 1 3");
    assertThat(d.holding(0)).isEqualTo(2);
    assertThat(d.holding(1)).isEqualTo(1);
    assertThat(d.inFlight()).isEqualTo(3);
    assertThat(d.queued()).isZero();
  }

  @Test
  void revoked_queueNotEmpty_taskGoesBackAtTheHeadOfTheQueue() {
    Dispatcher d = dispatcher(2, 2, 0);
    d.open(0);
    submit(d, 1, 2);
    d.open(1);
    assertThat(take()).endsWith("revoke 0 2");
    submit(d, 3, 4, 5); // 3 and 4 to lane 1; 5 waits
    assertThat(taken("send")).containsExactly("send 1 3 +f", "send 1 4");
    assertThat(d.queued()).isEqualTo(1);
    d.revoked(0, 2);
    // Lane 0 has room for one: the revoked task, ahead of 5, which was queued before it came back.
    assertThat(take()).containsExactly("send 0 2");
    assertThat(d.queued()).isEqualTo(1);
    d.finished(0, 1);
    assertThat(take()).containsExactly("started 0 2", "send 0 5");
  }

  @Test
  void revoked_afterTheRevokeIsAnswered_anotherRevokeMayBeSent() {
    Dispatcher d = dispatcher(2, 4, 0);
    d.open(0);
    submit(d, 1, 2, 3, 4);
    d.open(1);
    assertThat(take()).endsWith("revoke 0 4");
    d.revoked(0, 4);
    take();
    d.finished(1, 4); // lane 1 idle again while lane 0 holds 1, 2, 3
    assertThat(take()).containsExactly("revoke 0 3");
  }

  @Test
  void finished_workerAnswersTheRevokedTaskInstead_noTaskDuplicatedOrLost() {
    Dispatcher d = dispatcher(2, 2, 0);
    d.open(0);
    submit(d, 1, 2);
    d.open(1);
    assertThat(take()).endsWith("revoke 0 2");
    d.finished(0, 1);
    assertThat(take()).containsExactly("started 0 2");
    // The worker had started 2 before the revoke reached it: it answers 2 instead of giving it back.
    assertThat(d.finished(0, 2)).isSameAs(tasks.get(2L));
    assertThat(take()).isEmpty();
    assertThat(d.hasWork()).isFalse();
    assertThatThrownBy(() -> d.revoked(0, 2)).isInstanceOf(ProtocolException.class);
    // Task 2 went to one worker only, and lane 0 can be revoked from again.
    submit(d, 3, 4, 5, 6);
    Map<Integer, List<Long>> held = lanesFrom(take());
    assertThat(held.get(0)).hasSize(2);
    assertThat(held.get(1)).hasSize(2);
    d.finished(1, held.get(1).get(0));
    d.finished(1, held.get(1).get(1)); // lane 1 idle while lane 0 holds two
    assertThat(taken("revoke")).containsExactly("revoke 0 " + held.get(0).get(1));
  }

  /**
   * The worker's result for the head and its answer to a revoke of the next task travel on two
   * threads, so the result can arrive first: the dispatcher has then reported the revoked task
   * started (it reached the head) before the worker gives it back. The task behind it becomes
   * the head, and the worker runs it: its start must be reported, as for any task reaching the
   * head, or its time-out clock never runs.
   */
  @Test
  void revoked_taskThatHadReachedTheHead_theNewHeadIsReportedStarted() {
    Dispatcher d = dispatcher(2, 3, 0);
    d.open(0);
    submit(d, 1, 2);
    d.open(1);
    assertThat(take()).endsWith("revoke 0 2");
    long id = 3;
    while (d.holding(0) < 3) { // fills lane 1, then lane 0 gets a task behind 2
      d.submit(task(id++));
    }
    long third = lanesFrom(take()).get(0).get(0);
    d.finished(0, 1);
    assertThat(take()).containsExactly("started 0 2");
    d.revoked(0, 2); // given back after all: the worker had not taken it yet
    assertThat(d.runs(0, third)).isTrue();
    assertThat(events).contains("started 0 " + third);
  }

  // ---------------------------------------------------------------- cancelled, condemned

  @Test
  void dispatch_queuedTaskCancelledByItsCaller_droppedUnsentAndReported() {
    Dispatcher d = dispatcher(1, 1, 0);
    d.open(0);
    submit(d, 1, 2, 3, 4);
    tasks.get(2L).future.cancel(false);
    tasks.get(3L).future.cancel(false);
    assertThat(d.queued()).isEqualTo(3); // dropped when their turn comes
    take();
    d.finished(0, 1);
    assertThat(take()).containsExactly("dropped 2", "dropped 3", "send 0 4", "started 0 4");
    assertThat(d.queued()).isZero();
    assertThat(d.inFlight()).isEqualTo(1);
  }

  @Test
  void open_cancelledBeforeAnyWorkerWasReady_droppedUnsent() {
    Dispatcher d = dispatcher(1, 2, 0);
    submit(d, 1, 2);
    tasks.get(1L).future.cancel(false);
    d.open(0);
    assertThat(take()).containsExactly("dropped 1", "send 0 2 +f", "started 0 2");
  }

  @Test
  void condemn_lane_takesNoNewTasksIsNotRevokedFromAndKeepsWhatItHolds() {
    Dispatcher d = dispatcher(2, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    take();
    d.condemn(0);
    d.open(1); // idle, but nothing is revoked from a condemned lane
    assertThat(take()).isEmpty();
    d.finished(0, 1); // lane 0 has room now, but takes nothing
    assertThat(take()).containsExactly("started 0 2");
    submit(d, 4, 5, 6, 7);
    assertThat(taken("send")).containsExactly("send 1 4 +f", "send 1 5", "send 1 6");
    assertThat(d.queued()).isEqualTo(1);
    assertThat(d.holding(0)).isEqualTo(2);
    Dispatcher.Loss loss = d.lost(0); // killed
    assertThat(loss.running().id).isEqualTo(2);
    assertThat(loss.requeued()).isEqualTo(1);
    assertThat(d.queued()).isEqualTo(2); // 3, then 7
    d.finished(1, 4);
    assertThat(taken("send")).containsExactly("send 1 3");
  }

  // ---------------------------------------------------------------- maxTasksPerWorker

  /**
   * A lane holds up to pipelineDepth tasks, and no more than its worker may still be handed: with
   * 2 tasks left and a depth of 3, both go at once. (Comparing the tasks held with the tasks left
   * to hand, rather than with those held plus those left, holds back the second until the first
   * is done: no pipelining at all for a worker with a limit of 2.)
   */
  @Test
  void submit_laneNearItsTaskLimit_capacityShrinksToWhatIsLeft() {
    Dispatcher d = dispatcher(1, 3, 2);
    d.open(0);
    submit(d, 1, 2, 3, 4);
    assertThat(taken("send")).containsExactly("send 0 1 +f", "send 0 2"); // 2 left, not 3
    assertThat(d.queued()).isEqualTo(2);
    d.finished(0, 1);
    assertThat(take()).containsExactly("started 0 2"); // its limit reached: nothing more
    d.finished(0, 2);
    assertThat(take()).containsExactly("drained 0");
    assertThat(d.holding(0)).isZero();
    assertThat(d.queued()).isEqualTo(2);
    d.open(0); // its replacement
    assertThat(taken("send")).containsExactly("send 0 3 +f", "send 0 4");
  }

  @Test
  void finished_lastTaskOfAWorkersLimit_drainedReportedOnce() {
    Dispatcher d = dispatcher(2, 3, 4);
    d.open(0);
    submit(d, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    Map<Integer, List<Long>> held = lanesFrom(take());
    List<Long> sentToLane0 = new ArrayList<>(held.get(0));
    int drained = 0;
    while (d.holding(0) > 0) {
      assertThat(d.holding(0)).isLessThanOrEqualTo(3);
      d.finished(0, held.get(0).remove(0));
      for (String e : take()) {
        if (e.equals("drained 0")) {
          drained++;
        } else if (e.startsWith("send 0 ")) {
          long id = Long.parseLong(e.split(" ")[2]);
          held.get(0).add(id);
          sentToLane0.add(id);
        }
      }
      assertThat(drained).isEqualTo(sentToLane0.size() == 4 && held.get(0).isEmpty() ? 1 : 0);
    }
    assertThat(sentToLane0).containsExactly(1L, 2L, 3L, 4L);
    assertThat(drained).isEqualTo(1);
    assertThat(d.queued()).isEqualTo(6);
    d.open(1);
    // The drained lane takes nothing more; a new one does.
    assertThat(taken("send")).isNotEmpty().allMatch(e -> e.startsWith("send 1 "));
    assertThat(d.holding(0)).isZero();
  }

  @Test
  void finished_condemnedLaneAtItsLimit_notReportedDrained() {
    Dispatcher d = dispatcher(1, 1, 2);
    d.open(0);
    submit(d, 1, 2);
    d.finished(0, 1);
    assertThat(taken("send")).containsExactly("send 0 1 +f", "send 0 2");
    d.condemn(0); // its last task is the one it holds
    d.finished(0, 2);
    assertThat(take()).doesNotContain("drained 0");
    assertThat(d.holding(0)).isZero();
    Dispatcher.Loss loss = d.lost(0); // its lane stays until the worker is gone
    assertThat(loss.running()).isNull();
  }

  @Test
  void revoked_laneAtItsLimit_theGivenBackTaskNoLongerCounts() {
    Dispatcher d = dispatcher(2, 2, 3);
    d.open(0);
    submit(d, 1, 2);
    d.open(1);
    assertThat(take()).endsWith("revoke 0 2");
    d.revoked(0, 2);
    assertThat(taken("send")).containsExactly("send 1 2 +f");
    d.finished(0, 1); // 1 of its 3
    assertThat(take()).isEmpty();
    submit(d, 3); // the least busy lane is lane 0
    assertThat(take()).containsExactly("send 0 3", "started 0 3");
    d.finished(0, 3); // 2 of its 3: task 2 went to it too, but came back and does not count
    assertThat(take()).isEmpty();
    submit(d, 4);
    assertThat(take()).containsExactly("send 0 4", "started 0 4");
    d.finished(0, 4);
    assertThat(take()).containsExactly("drained 0");
  }

  // ---------------------------------------------------------------- draining and counts

  @Test
  void drainAll_tasksQueuedAndInFlight_everyOneReturnedOnce() {
    Dispatcher d = dispatcher(3, 2, 0);
    d.open(0);
    d.open(2);
    submit(d, 1, 2, 3, 4, 5, 6, 7);
    assertThat(d.inFlight()).isEqualTo(4);
    assertThat(d.queued()).isEqualTo(3);
    List<PendingTask> all = d.drainAll();
    assertThat(ids(all)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(d.hasWork()).isFalse();
    assertThat(d.inFlight()).isZero();
    assertThat(d.queued()).isZero();
    assertThat(d.holding(0)).isZero();
    assertThat(d.drainAll()).isEmpty();
    assertThatThrownBy(() -> d.finished(0, 1)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void drainQueue_tasksQueuedAndInFlight_onlyTheQueuedOnesInOrder() {
    Dispatcher d = dispatcher(1, 2, 0);
    d.open(0);
    submit(d, 1, 2, 3, 4, 5);
    assertThat(ids(d.drainQueue())).containsExactly(3L, 4L, 5L);
    assertThat(d.queued()).isZero();
    assertThat(d.inFlight()).isEqualTo(2);
    assertThat(d.hasWork()).isTrue();
  }

  @Test
  void counts_throughALifecycle_queuedPlusInFlightIsWhatIsUnfinished() {
    Dispatcher d = dispatcher(2, 2, 0);
    assertThat(d.hasWork()).isFalse();
    submit(d, 1, 2, 3, 4, 5, 6);
    assertCounts(d, 6, 0);
    d.open(0);
    assertCounts(d, 4, 2);
    d.open(1);
    assertCounts(d, 2, 4);
    Map<Integer, List<Long>> held = lanesFrom(take());
    d.finished(0, held.get(0).get(0));
    assertCounts(d, 1, 4);
    d.lost(1); // one handed back, one requeued: lane 0 is full, so it waits
    assertCounts(d, 2, 2);
    d.finished(0, held.get(0).get(1));
    assertCounts(d, 1, 2);
    d.drainAll();
    assertCounts(d, 0, 0);
    assertThat(d.hasWork()).isFalse();
  }

  private static void assertCounts(Dispatcher d, int queued, int inFlight) {
    assertThat(d.queued()).as("queued").isEqualTo(queued);
    assertThat(d.inFlight()).as("in flight").isEqualTo(inFlight);
    assertThat(d.inFlight()).isEqualTo(d.holding(0) + d.holding(1));
    assertThat(d.hasWork()).isEqualTo(queued + inFlight > 0);
  }

  // ---------------------------------------------------------------- property

  /**
   * Random submits, results, revoke answers (both ways of the race) and lost workers, checked
   * after every event against a model built from the port's actions: each task is in exactly one
   * place, no open lane is idle while tasks are queued, no lane exceeds pipelineDepth.
   */
  @Test
  void randomEvents_manySeeds_everyTaskInOnePlaceAndNoIdleLaneWhileTasksWait() {
    for (long seed = 1; seed <= 200; seed++) {
      new Run(seed).go();
    }
  }

  private static final class Run implements Dispatcher.Port {
    final long seed;
    final Random random;
    final int slots;
    final int depth;
    final Dispatcher d;
    final List<PendingTask> submitted = new ArrayList<>();
    static final int QUEUED = -1;
    /** Where each unfinished task is: QUEUED or the slot of its lane. */
    final Map<Long, Integer> where = new HashMap<>();
    /** Tasks answered, or handed back by a loss: out of the dispatcher. */
    final Set<Long> done = new HashSet<>();
    final Map<Integer, List<Long>> lanes = new HashMap<>();
    final Map<Integer, Long> revokes = new LinkedHashMap<>();
    final Set<Integer> open = new HashSet<>();
    long nextId = 1;
    int step;

    Run(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
      this.slots = 2 + random.nextInt(3);
      this.depth = 1 + random.nextInt(3);
      this.d = new Dispatcher(slots, depth, 0, this);
    }

    void go() {
      for (int s = 0; s < slots; s++) {
        if (random.nextBoolean()) {
          openLane(s);
        }
      }
      for (step = 0; step < 400; step++) {
        int roll = random.nextInt(100);
        if (roll < 40) {
          PendingTask t = new PendingTask(nextId++, new FunctionRegistry.Encoded(1 + random.nextInt(3), new byte[1]),
              new byte[0], false, Delivery.AS_VALUE);
          submitted.add(t);
          where.put(t.id, QUEUED);
          d.submit(t);
        } else if (roll < 80) {
          finishSome();
        } else if (roll < 92) {
          answerARevoke();
        } else if (roll < 96) {
          loseOne();
        } else {
          openOne();
        }
        check();
      }
      // Then every worker comes and works until nothing is left.
      for (int s = 0; s < slots; s++) {
        if (!open.contains(s)) {
          openLane(s);
        }
      }
      for (int guard = 0; d.hasWork() && guard < 10_000; guard++) {
        if (random.nextInt(4) == 0) {
          answerARevoke();
        } else {
          finishSome();
        }
        check();
      }
      assertThat(d.hasWork()).as(ctx()).isFalse();
      assertThat(where).as(ctx()).isEmpty();
      assertThat(done).as(ctx()).hasSize(submitted.size());
    }

    void markDone(long id) {
      require(where.remove(id) != null && done.add(id), () -> "task " + id + " finished twice");
    }

    void openLane(int s) {
      open.add(s);
      lanes.put(s, new ArrayList<>());
      d.open(s);
    }

    void openOne() {
      for (int s = 0; s < slots; s++) {
        if (!open.contains(s)) {
          openLane(s);
          return;
        }
      }
    }

    void finishSome() {
      List<Integer> busy = lanes.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
          .collect(Collectors.toList());
      if (busy.isEmpty()) {
        return;
      }
      int s = busy.get(random.nextInt(busy.size()));
      long head = lanes.get(s).remove(0); // a worker answers its tasks in order
      markDone(head);
      if (revokes.get(s) != null && revokes.get(s) == head) {
        revokes.remove(s); // the race: answered instead of given back
      }
      long answered = d.finished(s, head).id;
      require(answered == head, () -> "finished returned task " + answered + ", not " + head);
    }

    void answerARevoke() {
      if (revokes.isEmpty()) {
        return;
      }
      int s = revokes.keySet().iterator().next();
      long id = revokes.remove(s);
      List<Long> lane = lanes.get(s);
      if (lane == null || !lane.contains(id)) {
        return; // answered already, or the worker is gone
      }
      // Not started by the worker: given back. At the head (the master saw the result before it),
      // the worker may still have given it back: both orders of the race are played.
      if (lane.get(0) != id || random.nextBoolean()) {
        lane.remove(Long.valueOf(id));
        where.put(id, QUEUED);
        d.revoked(s, id);
      } else {
        revokes.put(s, id);
      }
    }

    void loseOne() {
      List<Integer> live = new ArrayList<>(open);
      if (live.isEmpty()) {
        return;
      }
      int s = live.get(random.nextInt(live.size()));
      List<Long> held = lanes.remove(s);
      open.remove(s);
      revokes.remove(s);
      for (int i = 1; i < held.size(); i++) {
        where.put(held.get(i), QUEUED);
      }
      if (!held.isEmpty()) {
        markDone(held.get(0)); // failed: handed back to the engine
      }
      Dispatcher.Loss loss = d.lost(s);
      require(held.isEmpty() ? loss.running() == null : loss.running() != null && loss.running().id == held.get(0),
          () -> "lost " + s + " handed back " + loss.running() + ", not the head of " + held);
      require(loss.requeued() == Math.max(0, held.size() - 1), () -> "requeued " + loss.requeued() + " of " + held);
    }

    void check() {
      int queued = 0;
      int placedInLanes = 0;
      for (int w : where.values()) {
        if (w == QUEUED) {
          queued++;
        } else if (w >= 0) {
          placedInLanes++;
        }
      }
      int inLanes = 0;
      for (Map.Entry<Integer, List<Long>> lane : lanes.entrySet()) {
        for (long id : lane.getValue()) {
          inLanes++;
          int slot = lane.getKey();
          require(where.get(id) == slot, () -> "task " + id + " in lane " + slot + " and at " + where.get(id));
        }
      }
      int inLanesCount = inLanes;
      int placed = placedInLanes;
      require(where.size() + done.size() == submitted.size() && placed == inLanesCount,
          () -> "tasks lost or duplicated: " + where + " lanes " + lanes);
      int queuedCount = queued;
      require(d.queued() == queuedCount, () -> "queued " + d.queued() + ", model " + queuedCount);
      require(d.inFlight() == inLanesCount, () -> "in flight " + d.inFlight() + ", model " + inLanesCount);
      for (int s = 0; s < slots; s++) {
        int held = lanes.getOrDefault(s, List.of()).size();
        int slot = s;
        require(d.holding(s) == held && held <= depth, () -> "slot " + slot + " holds " + d.holding(slot) + ", model "
            + lanes.get(slot) + ", depth " + depth);
        if (open.contains(s) && held == 0) {
          require(d.queued() == 0, () -> "slot " + slot + " idle while " + d.queued() + " tasks wait");
        }
      }
    }

    /** A plain check: the messages are built only on failure, so thousands of steps stay fast. */
    void require(boolean ok, java.util.function.Supplier<String> message) {
      if (!ok) {
        throw new AssertionError(ctx() + ": " + message.get());
      }
    }

    String ctx() {
      return "seed " + seed + " step " + step;
    }

    @Override
    public void send(int slot, PendingTask task, boolean withFunction) {
      require(open.contains(slot), () -> "sent to slot " + slot + ", which has no worker");
      require(where.get(task.id) == QUEUED, () -> task + " sent from " + where.get(task.id));
      where.put(task.id, slot);
      lanes.get(slot).add(task.id);
      require(lanes.get(slot).size() <= depth, () -> "slot " + slot + " holds " + lanes.get(slot));
    }

    @Override
    public void revoke(int slot, long taskId) {
      require(!revokes.containsKey(slot), () -> "a second revoke to slot " + slot + ": " + taskId);
      List<Long> lane = lanes.get(slot);
      require(lane.size() > 1, () -> "revoke of " + taskId + " from slot " + slot + " holding " + lane);
      require(lane.get(lane.size() - 1) == taskId, () -> "revoke of " + taskId + ", not the youngest of " + lane);
      revokes.put(slot, taskId);
    }

    @Override
    public void started(int slot, PendingTask task) {
      require(lanes.get(slot).get(0) == task.id, () -> task + " started, not the head of " + lanes.get(slot));
    }

    @Override
    public void cancel(int slot, PendingTask task, boolean running) {
      throw new AssertionError(ctx() + ": nothing was cancelled");
    }

    @Override
    public void dropped(PendingTask task) {
      throw new AssertionError(ctx() + ": nothing was cancelled");
    }

    @Override
    public void drained(int slot) {
      throw new AssertionError(ctx() + ": no task limit");
    }
  }
}
