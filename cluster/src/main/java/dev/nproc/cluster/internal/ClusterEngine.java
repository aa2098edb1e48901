package dev.nproc.cluster.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.nproc.pool.PoolStats;
import dev.nproc.pool.internal.RemoteTasks;
import dev.nproc.pool.internal.RemoteTasks.RemoteTask;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The master's side of a cluster pool: a Hazelcast client, one session on each node, a bounded
 * queue of encoded tasks, and the routing of batches of them to the node with the most free
 * worker slots. Tasks are encoded, and their futures completed, by {@link RemoteTasks}, exactly
 * as a local pool does it; per-worker dispatch, pipelining and supervision stay in each node's
 * local pool.
 *
 * <p>The path of a task and what happens on faults are drawn in this package's documentation.
 *
 * <h2>Concurrency</h2>
 * One lock, {@link #lock}, guards the queue, the nodes, their in-flight maps and the lifecycle.
 * It is held for short steps only; Hazelcast calls are made after it is released (the async ones
 * complete on Hazelcast's threads, which take the lock briefly), and futures are completed on
 * {@link RemoteTasks}' callback threads. Threads: callers of submit, cancel, close, terminate,
 * stats; the dispatcher; one poller per node; an opener per node while it opens; Hazelcast's
 * event and response threads (membership, async call results); callback threads.
 *
 * <h2>Lifecycle</h2>
 * RUNNING -> CLOSING (no new tasks; once the queue is empty and no node holds a task, each
 * session is closed, then the client) -> TERMINATED ({@link #terminate}: unfinished futures
 * cancelled, sessions terminated, workers killed).
 */
public final class ClusterEngine {
  /** How long a poll waits on the node for something to bring back. */
  static final long POLL_MILLIS = 500;

  private enum State { RUNNING, CLOSING, TERMINATED }

  private final MasterSettings settings;
  private final RemoteTasks tasks;
  private final HazelcastInstance client;
  private final IExecutorService executor;
  private final NodeCalls calls;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final MasterOutcomes outcomes;
  private final Thread dispatcher;

  private final Object lock = new Object();
  @GuardedBy("lock")
  private State state = State.RUNNING;
  @GuardedBy("lock")
  private final ArrayDeque<RemoteTask> queue = new ArrayDeque<>();
  @GuardedBy("lock")
  private long queuedBytes;
  @GuardedBy("lock")
  private final Map<UUID, NodeLink> nodes = new LinkedHashMap<>();
  @GuardedBy("lock")
  private long submitted;
  @GuardedBy("lock")
  private long cancelled;
  @GuardedBy("lock")
  private boolean finishing;

  ClusterEngine(MasterSettings settings, RemoteTasks tasks, HazelcastInstance client, SessionSettings session,
                        List<ClasspathShipper.Entry> classpath) {
    this.settings = settings;
    this.tasks = tasks;
    this.outcomes = new MasterOutcomes(tasks);
    this.client = client;
    this.executor = client.getExecutorService(Protocol.EXECUTOR);
    this.calls = new NodeCalls(executor, settings, session, classpath, client.getLocalEndpoint().getUuid().toString());
    this.dispatcher = new Thread(this::dispatch, settings.poolOptions().name() + "-cluster-dispatcher");
    dispatcher.setDaemon(true);
  }

  /** Starts the dispatcher thread. */
  void start() {
    dispatcher.start();
  }

  // ---------------------------------------------------------------- nodes

  /** Opens a session on a member, on a thread of its own; the future holds the error, or null. */
  CompletableFuture<String> addNode(Member member) {
    NodeLink node;
    synchronized (lock) {
      NodeLink known = nodes.get(member.getUuid());
      if (known != null) {
        return known.opened; // the listener and the first look at the members may both find it
      }
      if (state != State.RUNNING) {
        return CompletableFuture.completedFuture(null);
      }
      node = new NodeLink(member, UUID.randomUUID().toString());
      nodes.put(member.getUuid(), node);
    }
    Thread opener = new Thread(() -> node.opened.complete(open(node)),
        settings.poolOptions().name() + "-open-" + node.address);
    opener.setDaemon(true);
    opener.start();
    return node.opened;
  }

  /** The first exchange with a node ({@link NodeCalls#open}), then its poller. */
  private String open(NodeLink node) {
    String error = null;
    int workers = 0;
    try {
      workers = calls.open(node);
    } catch (Exception e) {
      error = NodeCalls.describe(e);
    }
    List<RemoteTask> orphans;
    synchronized (lock) {
      if (error == null && node.state == NodeLink.State.OPENING && state != State.TERMINATED) {
        node.state = NodeLink.State.READY;
        node.workers = workers;
        lock.notifyAll();
        orphans = List.of();
      } else {
        node.state = NodeLink.State.GONE;
        nodes.remove(node.member.getUuid(), node);
        orphans = noNodeLeft();
      }
    }
    if (error != null) {
      outcomes.notRun(orphans, "no node is left to run it");
      return node + ": " + error;
    }
    Thread poller = new Thread(() -> pollLoop(node), settings.poolOptions().name() + "-poll-" + node.address);
    poller.setDaemon(true);
    poller.start();
    tasks.info("cluster pool " + settings.poolOptions().name() + ": " + node + " open with " + workers + " workers");
    return null;
  }

  /** A member left the cluster. */
  void memberLeft(UUID member) {
    NodeLink node;
    synchronized (lock) {
      node = nodes.get(member);
    }
    if (node != null) {
      lost(node, "it left the cluster");
    }
  }

  /** With no node left and none opening: the queue, which nothing can run. Under the lock. */
  @GuardedBy("lock")
  private List<RemoteTask> noNodeLeft() {
    if (!nodes.isEmpty() || queue.isEmpty()) {
      return List.of();
    }
    List<RemoteTask> orphans = new ArrayList<>(queue);
    queue.clear();
    queuedBytes = 0;
    lock.notifyAll();
    return orphans;
  }

  /**
   * A node is lost: every task it held fails {@code NODE_LOST}; the queue goes to the others.
   *
   * @param node the node
   * @param why what was seen
   */
  private void lost(NodeLink node, String why) {
    List<RemoteTask> held;
    List<RemoteTask> orphans;
    boolean quiet;
    synchronized (lock) {
      if (node.state == NodeLink.State.GONE) {
        return;
      }
      quiet = state == State.TERMINATED || (node.state == NodeLink.State.DRAINING && node.inFlight.isEmpty());
      node.state = NodeLink.State.GONE;
      nodes.remove(node.member.getUuid(), node);
      held = new ArrayList<>(node.inFlight.values());
      node.inFlight.clear();
      orphans = noNodeLeft();
      lock.notifyAll();
      maybeFinish();
    }
    if (!quiet) {
      tasks.error("cluster pool " + settings.poolOptions().name() + ": " + node + " is lost (" + why + "); "
          + held.size() + " task(s) it held fail NODE_LOST");
    }
    outcomes.nodeLost(held, node, why);
    outcomes.notRun(orphans, "no node is left to run it");
    if (!quiet) {
      calls.bestEffort(new Calls.Close(node.sessionId, true), node); // a node that lives on kills the session's workers
    }
  }

  // ---------------------------------------------------------------- submission

  /**
   * Queues a task, encoded on the caller's thread; waits while the pool holds the most tasks or
   * argument bytes it may.
   *
   * @param f the function
   * @param arg the argument
   * @param asOptional {@code submit}'s way, or {@code call}'s
   * @return the future
   */
  public CompletableFuture<Object> submit(Object f, Object arg, boolean asOptional) {
    synchronized (lock) {
      if (state != State.RUNNING) {
        throw rejected();
      }
    }
    RemoteTask task = tasks.encode(nextId.getAndIncrement(), f, arg, asOptional, this::cancel);
    long bytes = task.argument().length;
    boolean notRun = false;
    synchronized (lock) {
      while (state == State.RUNNING && !nodes.isEmpty() && full(bytes)) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RejectedExecutionException("interrupted while waiting for room in cluster pool "
              + settings.poolOptions().name());
        }
      }
      if (state != State.RUNNING) {
        throw rejected();
      }
      submitted++;
      if (nodes.isEmpty()) {
        notRun = true;
      } else {
        queue.add(task);
        queuedBytes += bytes;
        lock.notifyAll();
      }
    }
    if (notRun) {
      outcomes.notRun(List.of(task), "no node is left to run it");
    }
    return task.future();
  }

  @GuardedBy("lock")
  private boolean full(long bytes) {
    int pending = queue.size() + inFlight();
    return pending >= settings.poolOptions().maxPendingTasks()
        || (pending > 0 && queuedBytes + bytes > settings.poolOptions().maxPendingBytes());
  }

  @GuardedBy("lock")
  private int inFlight() {
    int n = 0;
    for (NodeLink node : nodes.values()) {
      n += node.inFlight.size();
    }
    return n;
  }

  @GuardedBy("lock")
  private RejectedExecutionException rejected() {
    return new RejectedExecutionException("cluster pool " + settings.poolOptions().name() + " is "
        + (state == State.TERMINATED ? "terminated" : "closed") + " and takes no new tasks");
  }

  /** The caller cancelled a task's future: out of the queue, or stopped on its node. */
  private void cancel(RemoteTask task) {
    NodeLink holder = null;
    synchronized (lock) {
      if (state == State.TERMINATED) {
        return;
      }
      if (queue.remove(task)) {
        queuedBytes -= task.argument() == null ? 0 : task.argument().length;
        cancelled++;
      } else {
        for (NodeLink node : nodes.values()) {
          if (node.inFlight.remove(task.id()) != null) {
            holder = node;
            cancelled++;
            break;
          }
        }
      }
      lock.notifyAll();
      maybeFinish();
    }
    if (holder != null) {
      calls.bestEffort(new Calls.Cancel(holder.sessionId, new long[] {task.id()}), holder);
    }
  }

  /** The dispatcher thread: sends batches to the node with the most free slots. */
  private void dispatch() {
    while (true) {
      NodeLink target;
      Calls.Submit batch;
      synchronized (lock) {
        while (state != State.TERMINATED && (queue.isEmpty() || Routing.best(nodes.values(), settings.tasksPerWorker()) == null)) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (state == State.TERMINATED) {
          return;
        }
        target = Routing.best(nodes.values(), settings.tasksPerWorker());
        int n = Routing.batchSize(target, nodes.values(), queue.size(), settings.tasksPerWorker(), settings.maxBatch());
        batch = new Calls.Submit(target.sessionId, n);
        for (int i = 0; i < n; i++) {
          RemoteTask t = queue.poll();
          queuedBytes -= t.argument().length;
          target.inFlight.put(t.id(), t);
          batch.taskIds[i] = t.id();
          batch.functionKeys[i] = t.functionKey();
          boolean first = t.functionKey() == 0 || target.functionsSent.add(t.functionKey());
          batch.functions[i] = first ? t.function() : null;
          batch.arguments[i] = t.argument();
          batch.raw[i] = t.rawArgument();
          t.forgetArgument();
        }
        target.sending = true;
        lock.notifyAll(); // room in the queue
      }
      NodeLink node = target;
      calls.submit(batch, node, (reply, error) -> {
        sent(node);
        if (error != null || reply.error() != null) {
          lost(node, error != null ? NodeCalls.describe(error) : reply.error());
        }
      });
    }
  }

  private void sent(NodeLink node) {
    synchronized (lock) {
      node.sending = false;
      lock.notifyAll();
    }
  }

  // ---------------------------------------------------------------- the way back

  /** A node's poller: long polls until the node is gone or the pool is closed. */
  private void pollLoop(NodeLink node) {
    long wait = POLL_MILLIS + settings.heartbeatTimeout().toMillis();
    while (true) {
      synchronized (lock) {
        if (node.state == NodeLink.State.GONE || state == State.TERMINATED) {
          return;
        }
      }
      PollReply reply;
      try {
        reply = calls.call(new Calls.Poll(node.sessionId, POLL_MILLIS), node, wait);
      } catch (TimeoutException e) {
        lost(node, "no answer within the heartbeat time-out (" + settings.heartbeatTimeout() + ")");
        return;
      } catch (Exception e) {
        lost(node, NodeCalls.describe(e));
        return;
      }
      handle(node, reply);
    }
  }

  private void handle(NodeLink node, PollReply reply) {
    List<Runnable> done = new ArrayList<>();
    synchronized (lock) {
      node.workerRestarts = reply.workerRestarts();
      for (PollReply.Outcome o : reply.outcomes()) {
        RemoteTask t = node.inFlight.remove(o.taskId());
        if (t != null) {
          done.add(outcomes.completion(t, o.answer(), "a worker on " + node));
        }
      }
      if (reply.ending() != null && node.state == NodeLink.State.READY) {
        node.state = NodeLink.State.DRAINING;
      }
      lock.notifyAll();
      maybeFinish();
    }
    for (PollReply.Request r : reply.requests()) {
      done.add(outcomes.serving(r, answer -> calls.bestEffort(
          new Calls.Answers(node.sessionId, new long[] {answer.requestId()}, new byte[][] {answer.response()},
              new String[] {answer.error()}), node)));
    }
    outcomes.run(done);
    if (reply.finished()) {
      lost(node, "its session ended on the node: " + reply.ending());
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Once closing and nothing is left to run: closes the sessions, then the client. Under the lock. */
  @GuardedBy("lock")
  private void maybeFinish() {
    if (state == State.CLOSING && !finishing && queue.isEmpty() && inFlight() == 0) {
      finishing = true;
      Thread t = new Thread(() -> finish(false), settings.poolOptions().name() + "-cluster-close");
      t.setDaemon(true);
      t.start();
    }
  }

  private void finish(boolean terminate) {
    List<NodeLink> open;
    synchronized (lock) {
      open = new ArrayList<>(nodes.values());
    }
    calls.closeAll(open, terminate);
    synchronized (lock) {
      state = State.TERMINATED;
      for (NodeLink node : nodes.values()) {
        node.state = NodeLink.State.GONE;
      }
      nodes.clear();
      lock.notifyAll();
    }
    try {
      client.shutdown();
    } finally {
      tasks.shutdown();
      closed.complete(null);
    }
  }

  /**
   * No new tasks; once every submitted one is done, the sessions close and the client leaves.
   *
   * @return a future that completes once the sessions are closed
   */
  public CompletableFuture<Void> closeAsync() {
    synchronized (lock) {
      if (state == State.RUNNING) {
        state = State.CLOSING;
        List<RemoteTask> orphans = noNodeLeft();
        outcomes.notRun(orphans, "no node is left to run it");
        lock.notifyAll();
        maybeFinish();
      }
    }
    return closed.copy();
  }

  /** Cancels every unfinished task and kills the sessions' workers. */
  public void terminate() {
    List<RemoteTask> unfinished = new ArrayList<>();
    synchronized (lock) {
      if (state == State.TERMINATED || finishing) {
        if (state != State.TERMINATED) {
          state = State.TERMINATED;
        }
        return;
      }
      state = State.TERMINATED;
      finishing = true;
      unfinished.addAll(queue);
      queue.clear();
      queuedBytes = 0;
      for (NodeLink node : nodes.values()) {
        unfinished.addAll(node.inFlight.values());
        node.inFlight.clear();
      }
      cancelled += unfinished.size();
      lock.notifyAll();
    }
    for (RemoteTask t : unfinished) {
      t.future().cancel(false);
    }
    Thread t = new Thread(() -> finish(true), settings.poolOptions().name() + "-cluster-terminate");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Returns a future that completes once the pool has shut down.
   *
   * @return the future
   */
  public CompletableFuture<Void> whenClosed() {
    return closed.copy();
  }

  /**
   * Returns the workers of the open nodes.
   *
   * @return the sum of their workers
   */
  public int size() {
    synchronized (lock) {
      int n = 0;
      for (NodeLink node : nodes.values()) {
        if (node.state == NodeLink.State.READY) {
          n += node.workers;
        }
      }
      return n;
    }
  }

  /**
   * Returns the counters.
   *
   * @return a snapshot
   */
  public PoolStats stats() {
    synchronized (lock) {
      long restarts = 0;
      for (NodeLink node : nodes.values()) {
        restarts += node.workerRestarts;
      }
      return new PoolStats(submitted, outcomes.completed(), outcomes.failed(), cancelled, inFlight(), queue.size(), restarts);
    }
  }

  /**
   * Returns the pool's name.
   *
   * @return the name
   */
  public String name() {
    return settings.poolOptions().name();
  }


}
