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
import java.util.TreeMap;
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

  private PendingTask sized(long id, int bytes) {
    PendingTask t = new PendingTask(id, new FunctionRegistry.Encoded(F, new byte[] {1, 2, 3}), new byte[bytes], false,
        Delivery.AS_VALUE);
    tasks.put(id, t);
    return t;
  }

  @Test
  void submit_largeArguments_laneHoldsNoMoreThanPipelineBytes() {
    Dispatcher d = new Dispatcher(1, 8, 3000, 0, recorder);
    d.open(0);
    for (long id = 1; id <= 6; id++) {
      d.submit(sized(id, 1000));
    }
    assertThat(taken("send")).containsExactly("send 0 1 +f", "send 0 2", "send 0 3"); // 3,000 bytes, depth 8
    assertThat(d.queued()).isEqualTo(3);
    d.finished(0, 1);
    assertThat(taken("send")).containsExactly("send 0 4");
    d.finished(0, 2);
    d.finished(0, 3);
    d.finished(0, 4);
    assertThat(taken("send")).containsExactly("send 0 5", "send 0 6");
  }

  @Test
  void submit_argumentLargerThanPipelineBytes_goesAloneToAnEmptyLane() {
    Dispatcher d = new Dispatcher(1, 8, 1024, 0, recorder);
    d.open(0);
    d.submit(sized(1, 10));
    d.submit(sized(2, 5000));
    d.submit(sized(3, 10));
    assertThat(taken("send")).containsExactly("send 0 1 +f");
    d.finished(0, 1);
    assertThat(taken("send")).containsExactly("send 0 2"); // alone, though over the bound
    d.finished(0, 2);
    assertThat(taken("send")).containsExactly("send 0 3");
    assertThat(d.hasWork()).isTrue();
    d.finished(0, 3);
    assertThat(d.hasWork()).isFalse();
  }

  @Test
  void lost_laneWithLargeTasks_bytesFreedForTheReplacement() {
    Dispatcher d = new Dispatcher(1, 8, 2000, 0, recorder);
    d.open(0);
    for (long id = 1; id <= 3; id++) {
      d.submit(sized(id, 1000));
    }
    assertThat(taken("send")).hasSize(2);
    d.lost(0);
    take();
    d.open(0);
    assertThat(taken("send")).containsExactly("send 0 2 +f", "send 0 3"); // task 1 failed with the worker
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

  // ---------------------------------------------------------------- cancel

  /** Cancels a task as the engine does: its future first (its {@code onCancel}), then the dispatcher. */
  private Dispatcher.Cancelled cancel(Dispatcher d, long id) {
    PendingTask t = tasks.get(id);
    t.future.cancel(false);
    return d.cancel(t);
  }

  /** The counts: tasks queued, held for a waiting caller, and cancelled but still held (stopping). */
  private static void assertWork(Dispatcher d, int queued, int inFlight, int stopping) {
    assertThat(d.queued()).as("queued").isEqualTo(queued);
    assertThat(d.inFlight()).as("in flight").isEqualTo(inFlight);
    assertThat(d.hasWork()).as("has work").isEqualTo(queued + inFlight + stopping > 0);
  }

  @Test
  void cancel_queuedTask_dequeuedNeverSentAndCountsDrop() {
    Dispatcher d = dispatcher(1, 1, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    take();
    assertWork(d, 2, 1, 0);
    assertThat(cancel(d, 2)).isEqualTo(Dispatcher.Cancelled.DEQUEUED);
    assertThat(take()).isEmpty(); // no worker held it: nobody to tell, and not "dropped" later
    assertWork(d, 1, 1, 0);
    assertThat(tasks.get(2L).lane).isEqualTo(-1);
    d.finished(0, 1);
    // Gone from the queue at once: 3 is next, with no "dropped 2" when its turn would have come.
    assertThat(take()).containsExactly("send 0 3", "started 0 3");
    d.finished(0, 3);
    assertThat(take()).isEmpty();
    assertWork(d, 0, 0, 0);
  }

  @Test
  void cancel_onlyTaskQueuedBeforeAnyWorker_dequeuedNoWorkAndOpenSendsNothing() {
    Dispatcher d = dispatcher(1, 2, 0);
    submit(d, 1);
    assertThat(d.hasWork()).isTrue();
    assertThat(cancel(d, 1)).isEqualTo(Dispatcher.Cancelled.DEQUEUED);
    assertThat(d.hasWork()).isFalse();
    assertThat(d.queued()).isZero();
    d.open(0);
    assertThat(take()).isEmpty();
    assertThat(d.holding(0)).isZero();
  }

  @Test
  void cancel_headOfALane_stoppingPortToldRunningAndHasWorkUntilItLeaves() {
    Dispatcher d = dispatcher(1, 2, 0);
    d.open(0);
    submit(d, 1);
    take();
    assertThat(cancel(d, 1)).isEqualTo(Dispatcher.Cancelled.STOPPING);
    assertThat(take()).containsExactly("cancel 0 1 running");
    assertThat(tasks.get(1L).cancelled).isTrue();
    assertThat(d.inFlight()).isZero(); // its caller no longer waits for it
    assertThat(d.queued()).isZero();
    assertThat(d.hasWork()).isTrue(); // but the worker still holds it
    assertThat(d.holding(0)).isEqualTo(1);
    assertThat(d.runs(0, 1)).isTrue();
    assertThat(tasks.get(1L).lane).isZero();
    assertThat(d.finished(0, 1)).isSameAs(tasks.get(1L)); // the worker stopped it: it answers
    assertThat(take()).isEmpty();
    assertThat(d.hasWork()).isFalse();
    assertThat(d.holding(0)).isZero();
    assertThat(d.inFlight()).isZero();
  }

  @Test
  void cancel_taskWaitingBehindTheHead_stoppingPortToldNotRunning() {
    Dispatcher d = dispatcher(1, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    take();
    assertThat(cancel(d, 2)).isEqualTo(Dispatcher.Cancelled.STOPPING);
    assertThat(take()).containsExactly("cancel 0 2");
    assertThat(d.inFlight()).isEqualTo(2);
    assertThat(d.holding(0)).isEqualTo(3); // it stays in its lane until the worker answers
    assertThat(d.runs(0, 1)).isTrue();
    assertThat(d.runs(0, 2)).isFalse();
    assertThat(tasks.get(2L).started).isFalse();
    assertThat(tasks.get(2L).cancelled).isTrue();
    assertThat(d.hasWork()).isTrue();
  }

  @Test
  void revoked_cancelledTaskGivenBack_droppedNotRequeuedAndNothingResent() {
    Dispatcher d = dispatcher(2, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    d.open(1); // idle: 3 is revoked for it
    assertThat(take()).endsWith("revoke 0 3");
    assertThat(cancel(d, 2)).isEqualTo(Dispatcher.Cancelled.STOPPING);
    assertThat(take()).containsExactly("cancel 0 2");
    // The worker took 2 out of its queue unstarted: it gives it back.
    assertThat(d.revoked(0, 2)).isSameAs(tasks.get(2L));
    // Lane 1 is idle: had 2 gone back to the queue, it would have been sent (or dropped) there now.
    assertThat(take()).isEmpty();
    assertThat(d.queued()).isZero();
    assertThat(d.inFlight()).isEqualTo(2);
    assertThat(d.holding(0)).isEqualTo(2);
    assertThat(tasks.get(2L).lane).isEqualTo(-1);
    assertThatThrownBy(() -> d.finished(0, 2)).isInstanceOf(ProtocolException.class);
    d.revoked(0, 3); // the revoke still pending is unaffected
    assertThat(take()).containsExactly("send 1 3 +f", "started 1 3");
    d.finished(0, 1);
    d.finished(1, 3);
    assertThat(take()).isEmpty();
    assertThat(d.hasWork()).isFalse();
  }

  @Test
  void finished_cancelledHeadWhileATaskWaits_returnedTheNextIsSentAndNoWorkLeftAtTheEnd() {
    Dispatcher d = dispatcher(1, 1, 0);
    d.open(0);
    submit(d, 1, 2);
    take();
    cancel(d, 1);
    assertThat(take()).containsExactly("cancel 0 1 running");
    assertWork(d, 1, 0, 1);
    assertThat(d.hasWork()).isTrue();
    PendingTask back = d.finished(0, 1);
    assertThat(back).isSameAs(tasks.get(1L));
    assertThat(back.cancelled).isTrue(); // the engine drops its outcome
    assertThat(back.lane).isEqualTo(-1);
    assertThat(take()).containsExactly("send 0 2", "started 0 2"); // its room goes to the next
    assertWork(d, 0, 1, 0);
    d.finished(0, 2);
    assertThat(d.hasWork()).isFalse();
    assertThat(d.inFlight()).isZero();
    assertThatThrownBy(() -> d.finished(0, 1)).isInstanceOf(ProtocolException.class); // answered twice
  }

  @Test
  void lost_cancelledHeadAndMixedFollowers_headHandedBackOnlyUncancelledFollowersRequeuedInOrder() {
    Dispatcher d = dispatcher(2, 4, 0);
    d.open(0);
    submit(d, 1, 2, 3, 4, 5); // lane 0 holds 1, 2, 3, 4; 5 waits
    take();
    assertThat(cancel(d, 1)).isEqualTo(Dispatcher.Cancelled.STOPPING);
    assertThat(cancel(d, 3)).isEqualTo(Dispatcher.Cancelled.STOPPING);
    assertThat(take()).containsExactly("cancel 0 1 running", "cancel 0 3");
    assertWork(d, 1, 2, 2);
    Dispatcher.Loss loss = d.lost(0);
    assertThat(loss.running()).isSameAs(tasks.get(1L)); // still handed back: its cancel grace is the engine's
    assertThat(loss.running().cancelled).isTrue();
    assertThat(loss.requeued()).isEqualTo(2); // 2 and 4, not 3
    assertThat(d.queued()).isEqualTo(3);
    assertThat(d.inFlight()).isZero();
    assertThat(d.hasWork()).isTrue();
    assertThat(tasks.get(3L).lane).isEqualTo(-1);
    assertThat(take()).isEmpty();
    d.open(1);
    assertThat(take()).containsExactly("send 1 2 +f", "started 1 2", "send 1 4", "send 1 5");
    for (long id : new long[] {2, 4, 5}) {
      d.finished(1, id);
    }
    assertThat(take()).containsExactly("started 1 4", "started 1 5"); // 3 never comes back
    assertThat(d.hasWork()).isFalse();
    assertThat(cancel(d, 3)).isEqualTo(Dispatcher.Cancelled.NOT_HELD);
  }

  @Test
  void lost_workerHoldingOnlyCancelledTasks_nothingRequeuedAndNoWorkLeft() {
    Dispatcher d = dispatcher(2, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    cancel(d, 1);
    cancel(d, 2);
    cancel(d, 3);
    take();
    assertThat(d.inFlight()).isZero();
    assertThat(d.hasWork()).isTrue();
    Dispatcher.Loss loss = d.lost(0);
    assertThat(loss.running()).isSameAs(tasks.get(1L));
    assertThat(loss.requeued()).isZero();
    assertThat(d.hasWork()).isFalse();
    d.open(1);
    assertThat(take()).isEmpty();
  }

  @Test
  void cancel_taskRequeuedByALoss_dequeued() {
    Dispatcher d = dispatcher(1, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    take();
    d.lost(0); // 2 and 3 back to the queue, no worker to take them
    assertThat(cancel(d, 3)).isEqualTo(Dispatcher.Cancelled.DEQUEUED);
    assertThat(tasks.get(3L).cancelled).isFalse(); // not stopping anywhere: simply gone
    assertWork(d, 1, 0, 0);
    d.open(0);
    assertThat(take()).containsExactly("send 0 2 +f", "started 0 2");
  }

  @Test
  void open_idleLaneWhileTheYoungestIsCancelled_theNextYoungestIsRevoked() {
    Dispatcher d = dispatcher(2, 4, 0);
    d.open(0);
    submit(d, 1, 2, 3, 4);
    cancel(d, 4);
    take();
    d.open(1);
    assertThat(take()).containsExactly("revoke 0 3");
  }

  @Test
  void open_idleLaneWhileEveryUnstartedTaskIsCancelled_nothingRevoked() {
    Dispatcher d = dispatcher(2, 4, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    cancel(d, 2);
    cancel(d, 3);
    take();
    d.open(1);
    assertThat(take()).isEmpty();
    d.revoked(0, 3); // given back for the cancel: still nothing to revoke
    assertThat(take()).isEmpty();
    assertThat(d.holding(0)).isEqualTo(2);
  }

  @Test
  void open_idleLaneWhileTheFullestLaneHoldsOnlyCancelledFollowers_revokesFromAnotherLane() {
    Dispatcher d = dispatcher(3, 4, 0);
    d.open(0);
    d.open(1);
    submit(d, 1, 2, 3, 4, 5, 6, 7); // 4 + 3, or 3 + 4
    int fuller = d.holding(0) == 4 ? 0 : 1;
    Map<Integer, List<Long>> held = lanesFrom(take());
    for (long id : held.get(fuller).subList(1, 4)) {
      cancel(d, id);
    }
    take();
    d.open(2);
    assertThat(take()).containsExactly("revoke " + (1 - fuller) + " " + held.get(1 - fuller).get(2));
  }

  @Test
  void revoked_revokedTaskCancelledThenGivenBack_droppedAndTheNextRevokeMayGo() {
    Dispatcher d = dispatcher(2, 4, 0);
    d.open(0);
    submit(d, 1, 2, 3, 4);
    d.open(1);
    assertThat(take()).endsWith("revoke 0 4");
    assertThat(cancel(d, 4)).isEqualTo(Dispatcher.Cancelled.STOPPING);
    assertThat(take()).containsExactly("cancel 0 4");
    d.revoked(0, 4); // answers the revoke and the cancel: dropped, not sent to the idle lane
    assertThat(take()).containsExactly("revoke 0 3"); // lane 1 is still idle
    d.revoked(0, 3);
    assertThat(take()).containsExactly("send 1 3 +f", "started 1 3");
    assertWork(d, 0, 3, 0);
  }

  @Test
  void cancel_twice_secondNotHeldAndCountedOnce() {
    Dispatcher d = dispatcher(1, 2, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    take();
    assertThat(cancel(d, 2)).isEqualTo(Dispatcher.Cancelled.STOPPING);
    assertThat(d.cancel(tasks.get(2L))).isEqualTo(Dispatcher.Cancelled.NOT_HELD);
    assertThat(take()).containsExactly("cancel 0 2"); // the worker is told once
    assertThat(cancel(d, 3)).isEqualTo(Dispatcher.Cancelled.DEQUEUED);
    assertThat(d.cancel(tasks.get(3L))).isEqualTo(Dispatcher.Cancelled.NOT_HELD);
    assertWork(d, 0, 1, 1);
    d.finished(0, 1);
    d.finished(0, 2);
    assertThat(take()).containsExactly("started 0 2");
    assertWork(d, 0, 0, 0); // stopping was not counted twice
  }

  @Test
  void cancel_afterFinished_notHeldAndNothingToldOrCounted() {
    Dispatcher d = dispatcher(1, 2, 0);
    d.open(0);
    submit(d, 1, 2);
    d.finished(0, 1);
    take();
    assertThat(cancel(d, 1)).isEqualTo(Dispatcher.Cancelled.NOT_HELD);
    assertThat(take()).isEmpty();
    assertThat(tasks.get(1L).cancelled).isFalse();
    assertWork(d, 0, 1, 0);
    d.finished(0, 2);
    assertThat(d.hasWork()).isFalse();
  }

  @Test
  void cancel_afterLostOrDrainAll_notHeld() {
    Dispatcher d = dispatcher(1, 2, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    d.lost(0); // 1 handed back, 2 requeued
    d.open(0);
    take();
    assertThat(cancel(d, 1)).isEqualTo(Dispatcher.Cancelled.NOT_HELD);
    d.drainAll();
    assertThat(cancel(d, 2)).isEqualTo(Dispatcher.Cancelled.NOT_HELD);
    assertThat(cancel(d, 3)).isEqualTo(Dispatcher.Cancelled.NOT_HELD);
    assertThat(take()).isEmpty();
    assertThat(d.hasWork()).isFalse();
  }

  @Test
  void finished_headWhileACancelledTaskWaitsBehind_theCancelledTaskIsReportedStarted() {
    Dispatcher d = dispatcher(1, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    take();
    cancel(d, 2);
    assertThat(take()).containsExactly("cancel 0 2");
    d.finished(0, 1);
    // The worker may start 2 before the cancel reaches it: the engine starts its cancel grace.
    assertThat(take()).containsExactly("started 0 2");
    assertThat(d.runs(0, 2)).isTrue();
    assertThat(tasks.get(2L).started).isTrue();
    d.finished(0, 2);
    assertThat(take()).containsExactly("started 0 3");
  }

  @Test
  void revoked_cancelledHeadGivenBackUnstarted_theNextHeadIsReportedStarted() {
    Dispatcher d = dispatcher(1, 3, 0);
    d.open(0);
    submit(d, 1, 2, 3);
    take();
    cancel(d, 1);
    assertThat(take()).containsExactly("cancel 0 1 running");
    d.revoked(0, 1); // the worker had not taken it yet
    assertThat(take()).containsExactly("started 0 2");
    assertThat(d.runs(0, 2)).isTrue();
    assertWork(d, 0, 2, 0);
  }

  @Test
  void drainAll_cancelledTasksInLanes_returnedWithTheRestAndCountsReset() {
    Dispatcher d = dispatcher(2, 2, 0);
    d.open(0);
    d.open(1);
    submit(d, 1, 2, 3, 4, 5, 6); // two in each lane, 5 and 6 wait
    Map<Integer, List<Long>> held = lanesFrom(take());
    long head0 = held.get(0).get(0);
    long follower1 = held.get(1).get(1);
    assertThat(cancel(d, head0)).isEqualTo(Dispatcher.Cancelled.STOPPING);
    assertThat(cancel(d, follower1)).isEqualTo(Dispatcher.Cancelled.STOPPING);
    assertThat(cancel(d, 6)).isEqualTo(Dispatcher.Cancelled.DEQUEUED);
    assertWork(d, 1, 2, 2);
    List<PendingTask> all = d.drainAll();
    assertThat(ids(all)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L); // 6 left at its cancel
    assertThat(all).allSatisfy(t -> assertThat(t.lane).isEqualTo(-1));
    assertThat(all).filteredOn(t -> t.cancelled).extracting(t -> t.id).containsExactlyInAnyOrder(head0, follower1);
    assertWork(d, 0, 0, 0);
    assertThat(d.hasWork()).isFalse(); // stopping reset too
    assertThat(d.cancel(tasks.get(held.get(0).get(1)))).isEqualTo(Dispatcher.Cancelled.NOT_HELD);
  }

  @Test
  void revoked_cancelledTaskAtTheTaskLimit_noLongerCountsAndTheLaneTakesAnother() {
    Dispatcher d = dispatcher(1, 2, 2);
    d.open(0);
    submit(d, 1, 2, 3);
    assertThat(taken("send")).containsExactly("send 0 1 +f", "send 0 2"); // its 2 tasks
    cancel(d, 2);
    take();
    d.revoked(0, 2); // given back unstarted: it no longer counts
    assertThat(take()).containsExactly("send 0 3");
    d.finished(0, 1);
    assertThat(take()).containsExactly("started 0 3");
    d.finished(0, 3);
    assertThat(take()).containsExactly("drained 0"); // 1 and 3
    assertThat(d.hasWork()).isFalse();
  }

  @Test
  void finished_cancelledLastTaskOfAWorkersLimit_countsAndDrains() {
    Dispatcher d = dispatcher(1, 1, 2);
    d.open(0);
    submit(d, 1, 2, 3);
    d.finished(0, 1);
    take();
    cancel(d, 2);
    assertThat(take()).containsExactly("cancel 0 2 running");
    d.finished(0, 2); // it ran (or began to): it counts
    assertThat(take()).containsExactly("drained 0");
    assertWork(d, 1, 0, 0);
  }

  // ---------------------------------------------------------------- property

  /**
   * Random submits, results, revoke answers (both ways of the race), lost workers and cancels
   * (some reach the dispatcher at once, some only later, as the engine's lock allows, after the
   * future is already done), checked after every event against a model built from the port's
   * actions: each task is in exactly one place, no open lane is idle while tasks are queued, no
   * lane exceeds pipelineDepth, the counts match the model, every lane's head was reported started,
   * an idle lane gets a revoke while some lane holds a task that may be revoked, and a cancelled
   * task is never sent, revoked or requeued after its cancel.
   */
  @Test
  void randomEvents_manySeeds_everyTaskInOnePlaceAndNoIdleLaneWhileTasksWait() {
    Map<String, Integer> seen = new TreeMap<>();
    for (long seed = 1; seed <= 200; seed++) {
      new Run(seed, seen).go();
    }
    // Every way into and out of a cancel was played, or the run proves little.
    assertThat(seen).containsKeys("dequeued", "stopping running", "stopping waiting", "not held",
        "cancelled finished", "cancelled given back", "revoke target cancelled", "cancelled head lost",
        "cancelled follower lost", "cancelled started", "abandoned dropped", "revoked");
  }

  private static final class Run implements Dispatcher.Port {
    final long seed;
    final Random random;
    final int slots;
    final int depth;
    final Dispatcher d;
    /** How often each path was taken, over all seeds. */
    final Map<String, Integer> seen;
    final List<PendingTask> submitted = new ArrayList<>();
    static final int QUEUED = -1;
    /** Where each unfinished task is: QUEUED or the slot of its lane. */
    final Map<Long, Integer> where = new HashMap<>();
    /** Tasks answered, handed back by a loss, given back cancelled, or cancelled while queued: out. */
    final Set<Long> done = new HashSet<>();
    final Map<Integer, List<Long>> lanes = new HashMap<>();
    final Map<Integer, Long> revokes = new LinkedHashMap<>();
    final Set<Integer> open = new HashSet<>();
    /** Tasks the dispatcher took as cancelled (STOPPING) that are still in their lane. */
    final Set<Long> stopping = new HashSet<>();
    /** Tasks the dispatcher cancelled (DEQUEUED or STOPPING): never to be sent, revoked or requeued again. */
    final Set<Long> cancelled = new HashSet<>();
    /** Tasks whose future is cancelled but whose cancel has not reached the dispatcher yet (the engine's lock). */
    final List<PendingTask> cancelsOnTheWay = new ArrayList<>();
    /** Tasks reported started since they entered their current lane. */
    final Set<Long> startedHere = new HashSet<>();
    /** Tasks out since the last check. */
    final List<Long> leftSinceCheck = new ArrayList<>();
    /** The task the dispatcher is to tell its worker to stop, during a cancel, or null. */
    PendingTask expectedCancel;
    boolean expectedRunning;
    long nextId = 1;
    int step;

    Run(long seed, Map<String, Integer> seen) {
      this.seed = seed;
      this.seen = seen;
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
        if (roll < 36) {
          submitOne();
        } else if (roll < 68) {
          finishSome();
        } else if (roll < 78) {
          answerARevoke();
        } else if (roll < 85) {
          cancelOne();
        } else if (roll < 88) {
          deliverACancel();
        } else if (roll < 92) {
          giveBackACancelled();
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
      for (int guard = 0; d.hasWork() && guard < 10_000; guard++, step++) {
        int roll = random.nextInt(10);
        if (roll < 2) {
          answerARevoke();
        } else if (roll == 2) {
          giveBackACancelled();
        } else if (roll == 3) {
          cancelOne();
        } else if (roll == 4) {
          deliverACancel();
        } else {
          finishSome();
        }
        check();
      }
      while (!cancelsOnTheWay.isEmpty()) { // too late: nothing holds them any more
        deliverACancel();
        check();
      }
      assertThat(d.hasWork()).as(ctx()).isFalse();
      assertThat(where).as(ctx()).isEmpty();
      assertThat(stopping).as(ctx()).isEmpty();
      assertThat(done).as(ctx()).hasSize(submitted.size());
    }

    PendingTask task(long id) {
      return submitted.get((int) (id - 1));
    }

    boolean isQueued(long id) {
      Integer at = where.get(id);
      return at != null && at == QUEUED;
    }

    void count(String path) {
      seen.merge(path, 1, Integer::sum);
    }

    void markDone(long id) {
      require(where.remove(id) != null && done.add(id), () -> "task " + id + " finished twice");
      leftSinceCheck.add(id);
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

    void submitOne() {
      PendingTask t = new PendingTask(nextId++, new FunctionRegistry.Encoded(1 + random.nextInt(3), new byte[1]),
          new byte[0], false, Delivery.AS_VALUE);
      submitted.add(t);
      where.put(t.id, QUEUED);
      d.submit(t);
    }

    void finishSome() {
      List<Integer> busy = lanes.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
          .collect(Collectors.toList());
      if (busy.isEmpty()) {
        return;
      }
      int s = busy.get(random.nextInt(busy.size()));
      long head = lanes.get(s).remove(0); // a worker answers its tasks in order, cancelled ones too
      boolean wasCancelled = stopping.remove(head);
      startedHere.remove(head);
      markDone(head);
      if (revokes.get(s) != null && revokes.get(s) == head) {
        revokes.remove(s); // the race: answered instead of given back
      }
      if (wasCancelled) {
        count("cancelled finished");
      }
      PendingTask answered = d.finished(s, head);
      require(answered.id == head, () -> "finished returned task " + answered.id + ", not " + head);
      require(answered.cancelled == wasCancelled, () -> "finished returned " + answered + " with cancelled "
          + answered.cancelled);
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
        startedHere.remove(id);
        if (stopping.remove(id)) { // cancelled since the revoke went: dropped, not requeued
          markDone(id);
          count("revoke target cancelled");
        } else {
          where.put(id, QUEUED);
          count("revoked");
        }
        d.revoked(s, id);
      } else {
        revokes.put(s, id);
      }
    }

    /** The caller cancels a task's future; the engine tells the dispatcher now, or a little later. */
    void cancelOne() {
      if (submitted.isEmpty()) {
        return;
      }
      PendingTask t;
      if (!where.isEmpty() && random.nextInt(5) > 0) {
        List<Long> unfinished = new ArrayList<>(where.keySet());
        t = task(unfinished.get(random.nextInt(unfinished.size())));
      } else {
        t = submitted.get(random.nextInt(submitted.size())); // maybe finished, or cancelled already
      }
      boolean first = t.future.cancel(false);
      if (first && random.nextInt(4) == 0) {
        cancelsOnTheWay.add(t); // its future is done: the dispatcher may drop it from the queue meanwhile
      } else {
        deliver(t);
      }
    }

    void deliverACancel() {
      if (!cancelsOnTheWay.isEmpty()) {
        deliver(cancelsOnTheWay.remove(random.nextInt(cancelsOnTheWay.size())));
      }
    }

    void deliver(PendingTask t) {
      Integer at = where.get(t.id);
      Dispatcher.Cancelled expected = at == null || stopping.contains(t.id) ? Dispatcher.Cancelled.NOT_HELD
          : at == QUEUED ? Dispatcher.Cancelled.DEQUEUED : Dispatcher.Cancelled.STOPPING;
      boolean running = false;
      if (expected == Dispatcher.Cancelled.STOPPING) {
        running = lanes.get(at).get(0) == t.id;
        expectedCancel = t;
        expectedRunning = running;
      }
      Dispatcher.Cancelled got = d.cancel(t);
      require(got == expected, () -> "cancel of " + t + " at " + at + " found " + got + ", not " + expected);
      require(expectedCancel == null, () -> "the worker of slot " + at + " was not told of the cancel of " + t);
      switch (got) {
        case DEQUEUED -> {
          markDone(t.id);
          cancelled.add(t.id);
          count("dequeued");
        }
        case STOPPING -> {
          stopping.add(t.id);
          cancelled.add(t.id);
          count(running ? "stopping running" : "stopping waiting");
        }
        default -> count("not held");
      }
    }

    /** A worker took a cancelled task out of its queue before it started it: it gives it back. */
    void giveBackACancelled() {
      if (stopping.isEmpty()) {
        return;
      }
      List<Long> candidates = new ArrayList<>(stopping);
      long id = candidates.get(random.nextInt(candidates.size()));
      int s = where.get(id);
      lanes.get(s).remove(Long.valueOf(id));
      stopping.remove(id);
      startedHere.remove(id);
      markDone(id);
      if (revokes.get(s) != null && revokes.get(s) == id) {
        revokes.remove(s); // that revoke has nothing left to take back
      }
      count("cancelled given back");
      PendingTask back = d.revoked(s, id);
      require(back.id == id, () -> "revoked returned " + back + ", not task " + id);
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
      int requeued = 0;
      for (int i = 1; i < held.size(); i++) {
        long id = held.get(i);
        startedHere.remove(id);
        if (stopping.remove(id)) {
          markDone(id); // cancelled: dropped, not requeued
          count("cancelled follower lost");
        } else {
          where.put(id, QUEUED);
          requeued++;
        }
      }
      boolean headCancelled = false;
      if (!held.isEmpty()) {
        long head = held.get(0);
        startedHere.remove(head);
        headCancelled = stopping.remove(head);
        if (headCancelled) {
          count("cancelled head lost");
        }
        markDone(head); // failed, or (cancelled) its grace ended: handed back to the engine
      }
      Dispatcher.Loss loss = d.lost(s);
      boolean cancelledHead = headCancelled;
      require(held.isEmpty() ? loss.running() == null : loss.running() != null && loss.running().id == held.get(0)
          && loss.running().cancelled == cancelledHead,
          () -> "lost " + s + " handed back " + loss.running() + ", not the head of " + held);
      int expectedRequeued = requeued;
      require(loss.requeued() == expectedRequeued, () -> "requeued " + loss.requeued() + " of " + held + ", not "
          + expectedRequeued);
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
        int slot = lane.getKey();
        for (long id : lane.getValue()) {
          inLanes++;
          require(where.get(id) == slot, () -> "task " + id + " in lane " + slot + " and at " + where.get(id));
        }
        if (!lane.getValue().isEmpty()) {
          long head = lane.getValue().get(0);
          require(startedHere.contains(head) && d.runs(slot, head), () -> "the head of lane " + slot + ", task "
              + head + ", was not reported started");
        }
      }
      int inLanesCount = inLanes;
      int placed = placedInLanes;
      require(where.size() + done.size() == submitted.size() && placed == inLanesCount,
          () -> "tasks lost or duplicated: " + where + " lanes " + lanes);
      // Each task in exactly one place, and its own fields say the same: the unfinished ones, and
      // those that left since the last check (a task out stays out: markDone allows it once).
      for (Map.Entry<Long, Integer> e : where.entrySet()) {
        PendingTask t = task(e.getKey());
        int at = e.getValue();
        boolean ok = at == QUEUED ? t.lane == -1 && !t.cancelled
            : t.lane == at && t.cancelled == stopping.contains(t.id);
        if (!ok || done.contains(t.id)) { // a plain if: no message built per task and step
          require(false, () -> t + " at " + at + " (out: " + done.contains(t.id) + "; stopping: "
              + stopping.contains(t.id) + "), but its lane is " + t.lane + " and cancelled " + t.cancelled);
        }
      }
      for (long id : leftSinceCheck) {
        require(task(id).lane == -1 && !stopping.contains(id), () -> "task " + id + " out, but its lane is "
            + task(id).lane);
      }
      leftSinceCheck.clear();
      int queuedCount = queued;
      int waitedFor = where.size() - stopping.size();
      require(d.queued() == queuedCount, () -> "queued " + d.queued() + ", model " + queuedCount);
      require(d.inFlight() == inLanesCount - stopping.size(), () -> "in flight " + d.inFlight() + ", model "
          + inLanesCount + " in lanes of which " + stopping.size() + " stopping");
      require(d.queued() + d.inFlight() == waitedFor, () -> "queued + in flight " + (d.queued() + d.inFlight())
          + ", model " + waitedFor + " unfinished and not cancelled");
      require(d.hasWork() == !where.isEmpty(), () -> "hasWork " + d.hasWork() + " with " + where);
      // Idle lanes get work: with nothing queued, each idle lane has a revoke out for it, or no
      // lane without one holds a task that may be revoked (neither its head nor cancelled).
      if (queuedCount == 0) {
        int idle = 0;
        int revocable = 0;
        for (int s : open) {
          List<Long> lane = lanes.get(s);
          if (lane.isEmpty()) {
            idle++;
          } else if (!revokes.containsKey(s)) {
            for (int i = 1; i < lane.size(); i++) {
              if (!stopping.contains(lane.get(i))) {
                revocable++;
                break;
              }
            }
          }
        }
        int idleCount = idle;
        int revocableCount = revocable;
        require(idle == 0 || revocable == 0 || revokes.size() >= idle, () -> idleCount + " idle lanes, "
            + revocableCount + " lanes with a task to revoke, revokes out " + revokes + ", lanes " + lanes);
      }
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
      require(!cancelled.contains(task.id) && !task.cancelled,
          () -> task + " sent to slot " + slot + " after its cancel");
      require(!task.future.isDone(), () -> task + " sent to slot " + slot + " though its caller gave up");
      require(open.contains(slot), () -> "sent to slot " + slot + ", which has no worker");
      require(isQueued(task.id), () -> task + " sent from " + where.get(task.id));
      where.put(task.id, slot);
      lanes.get(slot).add(task.id);
      require(lanes.get(slot).size() <= depth, () -> "slot " + slot + " holds " + lanes.get(slot));
    }

    @Override
    public void revoke(int slot, long taskId) {
      require(!cancelled.contains(taskId) && !task(taskId).cancelled, () -> "revoke of task " + taskId
          + " after its cancel");
      require(!revokes.containsKey(slot), () -> "a second revoke to slot " + slot + ": " + taskId);
      List<Long> lane = lanes.get(slot);
      require(lane.size() > 1, () -> "revoke of " + taskId + " from slot " + slot + " holding " + lane);
      long youngest = -1; // not cancelled, not the head
      for (int i = lane.size() - 1; i >= 1 && youngest < 0; i--) {
        if (!stopping.contains(lane.get(i))) {
          youngest = lane.get(i);
        }
      }
      long expected = youngest;
      require(expected == taskId, () -> "revoke of " + taskId + ", not " + expected + ", the youngest not cancelled of "
          + lane + " (stopping " + stopping + ")");
      revokes.put(slot, taskId);
    }

    @Override
    public void started(int slot, PendingTask task) {
      require(lanes.get(slot).get(0) == task.id, () -> task + " started, not the head of " + lanes.get(slot));
      require(startedHere.add(task.id), () -> task + " reported started twice in lane " + slot);
      require(task.cancelled == stopping.contains(task.id), () -> task + " started with cancelled " + task.cancelled);
      if (task.cancelled) {
        count("cancelled started");
      }
    }

    @Override
    public void cancel(int slot, PendingTask task, boolean running) {
      require(expectedCancel == task && expectedRunning == running && where.get(task.id) == slot,
          () -> "cancel " + slot + " " + task + (running ? " running" : "") + ", expected " + expectedCancel
              + (expectedRunning ? " running" : "") + " at " + where.get(task.id));
      expectedCancel = null;
    }

    @Override
    public void dropped(PendingTask task) {
      require(!cancelled.contains(task.id) && !task.cancelled, () -> task + " came back to the queue after its cancel");
      require(task.future.isDone() && cancelsOnTheWay.contains(task) && isQueued(task.id),
          () -> task + " dropped, at " + where.get(task.id));
      markDone(task.id);
      count("abandoned dropped");
    }

    @Override
    public void drained(int slot) {
      throw new AssertionError(ctx() + ": no task limit");
    }
  }
}
