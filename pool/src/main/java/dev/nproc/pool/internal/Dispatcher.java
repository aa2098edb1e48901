package dev.nproc.pool.internal;

import dev.nproc.core.internal.wire.FunctionCache;
import dev.nproc.core.internal.wire.ProtocolException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Where each task is: in the queue, or in the pipeline of one worker. Events in (a task
 * submitted, a worker ready, a result, a revoke confirmed, a worker lost), actions out through
 * its {@link Port} (send a task, revoke one, start a task's clock). No threads, no clock, no I/O:
 * the engine calls it under its lock, and its tests call it directly.
 *
 * <h2>Exactly once</h2>
 * A task is in exactly one place: the queue, one lane's {@code inFlight}, or handed back to the
 * caller of an event ({@link #finished}, {@link #lost}, {@link #drainAll}). It leaves a lane only
 * through that worker's result, its revoke confirmation or its loss. A worker runs its tasks in
 * the order received, so when it is lost only the oldest task it holds can have started: that one
 * is handed back to fail, the others go back to the head of the queue, unstarted, in their order.
 *
 * <h2>Pipelining and revoke</h2>
 * A worker's lane holds up to {@code pipelineDepth} tasks, and up to {@code pipelineBytes} bytes
 * of their arguments (an empty lane takes a task of any size), to hide the pipe's round trip; tasks go
 * to the open lane with the fewest, ties broken by a rotating start. When the queue is empty and a
 * lane is idle while another holds tasks it has not started, the dispatcher revokes the youngest
 * of the fullest lane (one revoke at a time per lane); the worker gives it back if it has not
 * started it, and the task goes to the head of the queue. So an idle worker never waits while
 * another has a queue.
 *
 * <h2>Cancellation</h2>
 * A cancelled task that is queued leaves the queue at once. One that a worker holds is marked
 * {@code cancelled} and the worker is told ({@link Port#cancel}); it stays in its lane, counted
 * apart ({@link #stopping}), until the worker answers it (its outcome is then dropped), gives it
 * back unstarted (it is dropped, never requeued) or is lost. It is never revoked to run elsewhere.
 *
 * <h2>Function cache twin</h2>
 * Each lane keeps the ids of the functions its worker holds ({@link FunctionCache}), updated in
 * the order tasks are sent, so a function's bytes go to each worker once.
 *
 * <p>Not thread-safe: one caller at a time (the engine's lock).
 */
final class Dispatcher {
  /** What the dispatcher asks of the engine, under the engine's lock; none of these may block. */
  interface Port {
    /**
     * Sends a task to the worker of {@code slot}.
     *
     * @param slot the worker's slot
     * @param task the task
     * @param withFunction whether the function's bytes go too (the worker does not hold them)
     */
    void send(int slot, PendingTask task, boolean withFunction);

    /** Asks the worker of {@code slot} to give task {@code taskId} back unstarted. */
    void revoke(int slot, long taskId);

    /** A task reached the head of the pipeline of the worker of {@code slot}: it is taken to run now. */
    void started(int slot, PendingTask task);

    /**
     * The caller cancelled a task that the worker of {@code slot} holds: tell the worker, which
     * drops it if it has not started it, or interrupts it.
     *
     * @param slot the worker's slot
     * @param task the task
     * @param running whether the worker is taken to run it now (it is the head of its lane)
     */
    void cancel(int slot, PendingTask task, boolean running);

    /** A task whose caller gave up (completed its future) while it was queued was dropped unsent. */
    void dropped(PendingTask task);

    /**
     * The worker of {@code slot} was handed its last task ({@code maxTasksPerWorker}) and holds
     * nothing more: its lane is closed, the worker may be recycled.
     *
     * @param slot the worker's slot
     */
    void drained(int slot);
  }

  /** What a lost worker leaves: the task it may have been running, and how many went back to the queue. */
  record Loss(PendingTask running, int requeued) {}

  /** What a cancel found. */
  enum Cancelled {
    /** The task was queued: it is gone, it never ran. */
    DEQUEUED,
    /** A worker holds it: it is told to stop; the task leaves its lane when the worker answers or is lost. */
    STOPPING,
    /** Nobody holds it any more (it finished, or was cancelled already). */
    NOT_HELD
  }

  /** One worker's pipeline. */
  private static final class Lane {
    final LinkedHashMap<Long, PendingTask> inFlight = new LinkedHashMap<>();
    final FunctionCache<Boolean> functions = new FunctionCache<>();
    /** The bytes of the arguments of the tasks in {@link #inFlight}, for pipelineBytes. */
    long bytes;
    /** Tasks handed to this worker, for maxTasksPerWorker. */
    int assigned;
    /** The task a revoke was sent for, or 0. */
    long revoking;
    /** Whether it takes tasks: not once its worker is condemned or drained. */
    boolean open = true;

    PendingTask head() {
      return inFlight.isEmpty() ? null : inFlight.values().iterator().next();
    }
  }

  private final int pipelineDepth;
  private final long pipelineBytes;
  private final int maxTasksPerWorker;
  private final Port port;
  private final ArrayDeque<PendingTask> queue = new ArrayDeque<>();
  /** By slot; {@code null} where no worker takes tasks. */
  private final Lane[] lanes;
  private int cursor;
  /** Tasks in lanes that their callers still wait for. */
  private int inFlight;
  /** Tasks in lanes that were cancelled and have not left yet. */
  private int stopping;
  /** Tasks submitted and not released, and the bytes of their arguments: what the pool's bounds count. */
  private int heldTasks;
  private long heldBytes;

  /**
   * Creates a dispatcher.
   *
   * @param slots the number of workers
   * @param pipelineDepth the most tasks a worker holds
   * @param pipelineBytes the most argument bytes a worker holds, beyond its first task
   * @param maxTasksPerWorker tasks after which a worker's lane closes for good, or 0 for never
   * @param port the engine
   */
  Dispatcher(int slots, int pipelineDepth, long pipelineBytes, int maxTasksPerWorker, Port port) {
    if (pipelineDepth < 1) {
      throw new IllegalArgumentException("pipelineDepth must be at least 1, not " + pipelineDepth);
    }
    this.lanes = new Lane[slots];
    this.pipelineDepth = pipelineDepth;
    this.pipelineBytes = pipelineBytes;
    this.maxTasksPerWorker = maxTasksPerWorker;
    this.port = port;
  }

  // ------------------------------------------------------------------ events

  /** A dispatcher whose lanes are bounded in tasks only. */
  Dispatcher(int slots, int pipelineDepth, int maxTasksPerWorker, Port port) {
    this(slots, pipelineDepth, Long.MAX_VALUE, maxTasksPerWorker, port);
  }

  /** A task to run: queued, then dispatched if a worker has room. */
  void submit(PendingTask task) {
    heldTasks++;
    heldBytes += task.argument.length;
    queue.add(task);
    dispatch();
  }

  /** The caller cancelled {@code task}; returns what the cancel found. */
  Cancelled cancel(PendingTask task) {
    if (task.cancelled) {
      return Cancelled.NOT_HELD;
    }
    if (task.lane < 0) {
      if (!queue.remove(task)) {
        return Cancelled.NOT_HELD;
      }
      release(task);
      return Cancelled.DEQUEUED;
    }
    Lane lane = lanes[task.lane];
    if (lane == null || lane.inFlight.get(task.id) != task) {
      return Cancelled.NOT_HELD;
    }
    task.cancelled = true;
    inFlight--;
    stopping++;
    port.cancel(task.lane, task, lane.head() == task);
    return Cancelled.STOPPING;
  }

  /** The worker of {@code slot} is ready: a new lane, with an empty function cache. */
  void open(int slot) {
    if (lanes[slot] != null) {
      throw new IllegalStateException("slot " + slot + " already has a lane");
    }
    lanes[slot] = new Lane();
    dispatch();
  }

  /** The worker of {@code slot} will be killed: no more tasks, no revoke; what it holds stays till it is lost. */
  void condemn(int slot) {
    Lane lane = lanes[slot];
    if (lane != null) {
      lane.open = false;
    }
  }

  /** Removes the lane of the worker of {@code slot}, which holds nothing and is told to exit. */
  void retire(int slot) {
    Lane lane = lanes[slot];
    if (lane != null && !lane.inFlight.isEmpty()) {
      throw new IllegalStateException("slot " + slot + " still holds " + lane.inFlight.size() + " tasks");
    }
    lanes[slot] = null;
  }

  /**
   * A worker answered a task (result or failure).
   *
   * @param slot the worker's slot
   * @param taskId the task
   * @return the task, now out of the dispatcher
   * @throws ProtocolException if the worker does not hold that task
   */
  PendingTask finished(int slot, long taskId) {
    Lane lane = lanes[slot];
    PendingTask task = lane == null ? null : lane.inFlight.remove(taskId);
    if (task == null) {
      throw new ProtocolException("the worker answered task " + taskId + ", which it does not hold");
    }
    leave(task);
    release(task);
    if (lane.revoking == taskId) {
      lane.revoking = 0;
    }
    startHead(slot, lane);
    if (maxTasksPerWorker > 0 && lane.assigned >= maxTasksPerWorker && lane.inFlight.isEmpty() && lane.open) {
      lanes[slot] = null;
      port.drained(slot);
    }
    dispatch();
    return task;
  }

  /**
   * A worker gave a revoked or cancelled task back unstarted: it goes to the head of the queue,
   * or, cancelled, is dropped.
   *
   * @param slot the worker's slot
   * @param taskId the task
   * @return the task (its clock, if it had reached the head, is the caller's to stop)
   * @throws ProtocolException if the worker does not hold that task
   */
  PendingTask revoked(int slot, long taskId) {
    Lane lane = lanes[slot];
    PendingTask task = lane == null ? null : lane.inFlight.remove(taskId);
    if (task == null) {
      throw new ProtocolException("the worker gave back task " + taskId + ", which it does not hold");
    }
    leave(task);
    if (lane.revoking == taskId) {
      lane.revoking = 0;
    }
    lane.assigned--;
    task.started = false;
    startHead(slot, lane); // the worker may have answered the head first: the next one runs now
    if (task.cancelled) {
      release(task);
    } else {
      queue.addFirst(task);
    }
    dispatch();
    return task;
  }

  /**
   * The worker of {@code slot} is gone: its lane closes; its oldest task is handed back (it may
   * have run), the others go back to the head of the queue, in order, unstarted (cancelled ones
   * are dropped).
   *
   * @param slot the slot
   * @return what it held; {@code running} is {@code null} if it held nothing
   */
  Loss lost(int slot) {
    Lane lane = lanes[slot];
    lanes[slot] = null;
    if (lane == null || lane.inFlight.isEmpty()) {
      dispatch();
      return new Loss(null, 0);
    }
    List<PendingTask> tasks = new ArrayList<>(lane.inFlight.values());
    int requeued = 0;
    for (int i = tasks.size() - 1; i >= 0; i--) {
      PendingTask t = tasks.get(i);
      leave(t);
      if (i > 0 && !t.cancelled) {
        t.started = false;
        queue.addFirst(t);
        requeued++;
      } else {
        release(t);
      }
    }
    dispatch();
    return new Loss(tasks.get(0), requeued);
  }

  /** @return every task, queued and in lanes, taken out: the pool is terminated */
  List<PendingTask> drainAll() {
    List<PendingTask> all = drainQueue();
    for (int i = 0; i < lanes.length; i++) {
      if (lanes[i] != null) {
        for (PendingTask t : lanes[i].inFlight.values()) {
          t.lane = -1;
          release(t);
          all.add(t);
        }
        lanes[i] = null;
      }
    }
    inFlight = 0;
    stopping = 0;
    return all;
  }

  /** @return every queued task, taken out: no worker is left to run them */
  List<PendingTask> drainQueue() {
    List<PendingTask> tasks = new ArrayList<>(queue);
    queue.clear();
    tasks.forEach(this::release);
    return tasks;
  }

  // ------------------------------------------------------------------ queries

  /** @return tasks waiting for a worker */
  int queued() {
    return queue.size();
  }

  /** @return whether a task of {@code bytes} must wait: the pool holds the most tasks, or bytes, it may */
  boolean full(long bytes, int maxTasks, long maxBytes) {
    return heldTasks >= maxTasks || (heldTasks > 0 && heldBytes + bytes > maxBytes);
  }

  /** @return tasks held by workers, not counting cancelled ones that are stopping */
  int inFlight() {
    return inFlight;
  }

  /** @return whether any task is queued or held by a worker, cancelled ones that are stopping included */
  boolean hasWork() {
    return inFlight > 0 || stopping > 0 || !queue.isEmpty();
  }

  /** @return the slots holding cancelled tasks that are stopping, when nothing else is queued or held; else none */
  List<Integer> onlyStopping() {
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < lanes.length && inFlight == 0 && queue.isEmpty(); i++) {
      if (lanes[i] != null && !lanes[i].inFlight.isEmpty()) {
        slots.add(i);
      }
    }
    return slots;
  }

  /**
   * Tells whether the worker of {@code slot} runs {@code taskId} now (it is the head of its lane).
   *
   * @param slot the slot
   * @param taskId the task
   * @return whether it does
   */
  boolean runs(int slot, long taskId) {
    Lane lane = lanes[slot];
    PendingTask head = lane == null ? null : lane.head();
    return head != null && head.id == taskId;
  }

  /** @return how many tasks the worker of {@code slot} holds, 0 without a lane */
  int holding(int slot) {
    Lane lane = lanes[slot];
    return lane == null ? 0 : lane.inFlight.size();
  }

  // ------------------------------------------------------------------ dispatch

  private void dispatch() {
    while (!queue.isEmpty()) {
      PendingTask next = queue.peek();
      if (next.abandoned()) {
        queue.poll();
        release(next);
        port.dropped(next);
        continue;
      }
      int best = -1;
      int bestSize = Integer.MAX_VALUE;
      // Start the scan one slot further each time, so ties do not always go to slot 0.
      int start = Math.floorMod(cursor++, lanes.length);
      for (int i = 0; i < lanes.length; i++) {
        int slot = (start + i) % lanes.length;
        Lane lane = lanes[slot];
        if (lane != null && lane.open && lane.inFlight.size() < capacity(lane) && lane.inFlight.size() < bestSize
            && fits(lane, next)) {
          best = slot;
          bestSize = lane.inFlight.size();
        }
      }
      if (best < 0) {
        return;
      }
      send(best, lanes[best], queue.poll());
    }
    revokeForIdleWorkers();
  }

  /** Whether a lane may take the task within pipelineBytes: an empty lane takes any task. */
  private boolean fits(Lane lane, PendingTask task) {
    return lane.inFlight.isEmpty() || lane.bytes + argumentBytes(task) <= pipelineBytes;
  }

  private static long argumentBytes(PendingTask task) {
    return task.argument == null ? 0 : task.argument.length;
  }

  private int capacity(Lane lane) {
    // Near the limit, what it may still be sent, on top of what it holds.
    return maxTasksPerWorker == 0 ? pipelineDepth
        : Math.min(pipelineDepth, lane.inFlight.size() + maxTasksPerWorker - lane.assigned);
  }

  private void send(int slot, Lane lane, PendingTask task) {
    task.lane = slot;
    task.laneBytes = argumentBytes(task);
    lane.bytes += task.laneBytes;
    lane.inFlight.put(task.id, task);
    lane.assigned++;
    inFlight++;
    long functionId = task.function.id();
    boolean withFunction = lane.functions.lookUp(functionId) == null;
    if (withFunction) {
      lane.functions.store(functionId, Boolean.TRUE, task.function.bytes().length);
    }
    port.send(slot, task, withFunction);
    if (lane.inFlight.size() == 1) {
      startHead(slot, lane);
    }
  }

  /** The task is done with for good: it no longer counts against the bounds, and its argument can go. */
  private void release(PendingTask task) {
    if (task.argument != null) {
      heldTasks--;
      heldBytes -= task.argument.length;
      task.forgetArgument();
    }
  }

  /** A task leaves its lane, whichever way. */
  private void leave(PendingTask task) {
    Lane lane = task.lane >= 0 ? lanes[task.lane] : null;
    if (lane != null) {
      lane.bytes -= task.laneBytes;
    }
    task.lane = -1;
    if (task.cancelled) {
      stopping--;
    } else {
      inFlight--;
    }
  }

  /** The oldest task in flight is the one the worker runs now: say so once. */
  private void startHead(int slot, Lane lane) {
    PendingTask head = lane.head();
    if (head != null && !head.started) {
      head.started = true;
      port.started(slot, head);
    }
  }

  private void revokeForIdleWorkers() {
    for (Lane idle : lanes) {
      if (idle == null || !idle.open || !idle.inFlight.isEmpty()) {
        continue;
      }
      int victim = -1;
      PendingTask task = null;
      for (int slot = 0; slot < lanes.length; slot++) {
        Lane lane = lanes[slot];
        if (lane != null && lane.open && lane.revoking == 0
            && (victim < 0 || lane.inFlight.size() > lanes[victim].inFlight.size())) {
          PendingTask youngest = revocable(lane);
          if (youngest != null) {
            victim = slot;
            task = youngest;
          }
        }
      }
      if (victim < 0) {
        return;
      }
      lanes[victim].revoking = task.id;
      port.revoke(victim, task.id);
    }
  }

  /** The youngest task of a lane that can be taken back: not its head, not cancelled; or {@code null}. */
  private static PendingTask revocable(Lane lane) {
    PendingTask youngest = null;
    Iterator<PendingTask> it = lane.inFlight.values().iterator();
    if (it.hasNext()) {
      it.next(); // the head runs
    }
    while (it.hasNext()) {
      PendingTask t = it.next();
      if (!t.cancelled) {
        youngest = t;
      }
    }
    return youngest;
  }
}
