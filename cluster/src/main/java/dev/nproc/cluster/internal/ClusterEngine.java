package dev.nproc.cluster.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.nproc.core.TaskFailedException;
import dev.nproc.pool.PoolStats;
import dev.nproc.pool.internal.RemoteTasks;
import dev.nproc.pool.internal.RemoteTasks.RemoteTask;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The master's side of a cluster pool: a Hazelcast client, one session on each node, a bounded
 * queue of encoded tasks, and the routing of batches of them to the node with the most free
 * worker slots. Tasks are encoded, and their futures completed, by {@link RemoteTasks}, exactly
 * as a local pool does it; per-worker dispatch, pipelining and supervision stay in each node's
 * local pool.
 *
 * <h2>The path of a task</h2>
 * <pre>
 *  caller thread      submit: encode (RemoteTasks), wait for room, queue
 *  dispatcher thread  the node with the most free slots, not sending: up to maxBatch tasks in one
 *        |            Submit call (a function's bytes with the first task that names it there)
 *        v            -- Hazelcast: IExecutorService.submitToMember --
 *  node               NodeSession: its EncodedPool runs them; outcomes wait in its outbox
 *  poller thread      one per node: Poll (a long poll, {@link #POLL_MILLIS}) brings outcomes and
 *        |            service requests back in a batch; the node's tasks leave its in-flight map
 *        v
 *  callback threads   RemoteTasks: decode, complete the futures; serve requests (Answers call)
 * </pre>
 *
 * <h2>Faults</h2>
 * A node is lost when its poll or submit fails (Hazelcast reports a closed or silent connection
 * after the client heartbeat time-out), when its poll gets no answer within the heartbeat
 * time-out, when it leaves the cluster, or when it says the session is over. Every task it held
 * fails {@code NODE_LOST} at once: it may or may not have run, and it is not run again. The queue
 * is untouched: its tasks go to the other nodes. With no node left, and none opening, queued and
 * new tasks fail {@code NOT_RUN}. A node that joins gets a session and adds its workers.
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
  private final SessionSettings session;
  private final List<ClasspathShipper.Entry> classpath;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
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

  private ClusterEngine(MasterSettings settings, RemoteTasks tasks, HazelcastInstance client, SessionSettings session,
                        List<ClasspathShipper.Entry> classpath) {
    this.settings = settings;
    this.tasks = tasks;
    this.client = client;
    this.executor = client.getExecutorService(Protocol.EXECUTOR);
    this.session = session;
    this.classpath = classpath;
    this.dispatcher = new Thread(this::dispatch, settings.poolOptions().name() + "-cluster-dispatcher");
    dispatcher.setDaemon(true);
  }

  /**
   * Connects to the cluster and opens a session on every node, waiting until each is open or
   * has failed to.
   *
   * @param settings the master's settings
   * @param serv the service of Full mode, or {@code null} for a basic pool
   * @param env the environment of Full mode
   * @return the engine, with at least one node open
   * @throws IllegalArgumentException if the init hook or the environment cannot be serialized
   * @throws IllegalStateException if the cluster cannot be reached or no node takes the session
   */
  public static ClusterEngine connect(MasterSettings settings, Function<?, ? extends CompletionStage<?>> serv,
                                      Object env) {
    RemoteTasks tasks = new RemoteTasks(PoolConfigs.engineConfig(settings.poolOptions()), serv);
    byte[] init = settings.poolOptions().init() == null ? new byte[0]
        : tasks.encodeValue(settings.poolOptions().init(), "PoolOptions.init");
    byte[] envBytes = serv == null ? new byte[0] : tasks.encodeValue(env, "the environment");
    SessionSettings session = SessionSettings.of(settings.poolOptions(), settings.heartbeatTimeout().toMillis(), init,
        envBytes, serv != null);
    List<ClasspathShipper.Entry> classpath = settings.shipClasspath() ? ClasspathShipper.entries() : List.of();
    HazelcastInstance client;
    try {
      client = HazelcastClient.newHazelcastClient(HazelcastConfigs.client(settings.clusterName(), settings.addresses(),
          settings.connectTimeout(), settings.heartbeatTimeout()));
    } catch (RuntimeException e) {
      tasks.shutdown();
      throw new IllegalStateException("cannot reach the nproc cluster '" + settings.clusterName() + "' at "
          + settings.addresses() + " within " + settings.connectTimeout() + " (are the nodes up, with that cluster name?): "
          + e.getMessage(), e);
    }
    ClusterEngine engine = new ClusterEngine(settings, tasks, client, session, classpath);
    engine.dispatcher.start();
    List<CompletableFuture<String>> opens = new ArrayList<>();
    client.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        engine.addNode(event.getMember());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        engine.memberLeft(event.getMember().getUuid());
      }
    });
    for (Member m : client.getCluster().getMembers()) {
      opens.add(engine.addNode(m));
    }
    List<String> errors = new ArrayList<>();
    for (CompletableFuture<String> open : opens) {
      String error = open.join();
      if (error != null) {
        errors.add(error);
      }
    }
    if (engine.size() == 0) {
      engine.terminate();
      throw new IllegalStateException("no node of the nproc cluster '" + settings.clusterName()
          + "' took this master: " + (errors.isEmpty() ? "the cluster has no member" : String.join("; ", errors)));
    }
    errors.forEach(tasks::error);
    return engine;
  }

  // ---------------------------------------------------------------- nodes

  /** Opens a session on a member, on a thread of its own; the future holds the error, or null. */
  private CompletableFuture<String> addNode(Member member) {
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

  /** The first exchange with a node: handshake, upload what it lacks, open the session. */
  private String open(NodeLink node) {
    String error;
    int workers = 0;
    try {
      Reply hello = call(new Calls.Handshake(settings.secret(), hashes()), node,
          settings.connectTimeout().toMillis());
      error = hello.error();
      if (error == null) {
        for (String missing : hello.strings()) {
          upload(node, missing);
        }
        long startup = settings.poolOptions().startupTimeout().toMillis() + settings.connectTimeout().toMillis();
        Reply open = call(new Calls.Open(settings.secret(), node.sessionId, client.getLocalEndpoint().getUuid().toString(),
            settings.shipClasspath() ? hashes() : new String[0], session), node, startup);
        error = open.error();
        workers = open.number();
      }
    } catch (Exception e) {
      error = describe(e);
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
      failNotRun(orphans, "no node is left to run it");
      return node + ": " + error;
    }
    Thread poller = new Thread(() -> pollLoop(node), settings.poolOptions().name() + "-poll-" + node.address);
    poller.setDaemon(true);
    poller.start();
    tasks.info("cluster pool " + settings.poolOptions().name() + ": " + node + " open with " + workers + " workers");
    return null;
  }

  private String[] hashes() {
    return classpath.stream().map(ClasspathShipper.Entry::hash).toArray(String[]::new);
  }

  private void upload(NodeLink node, String hash) throws Exception {
    ClasspathShipper.Entry entry = classpath.stream().filter(e -> e.hash().equals(hash)).findFirst()
        .orElseThrow(() -> new IllegalStateException("the node asked for an entry this master never offered: " + hash));
    byte[] bytes = java.nio.file.Files.readAllBytes(entry.file());
    for (int offset = 0; offset == 0 || offset < bytes.length; offset += ClasspathShipper.CHUNK) {
      int n = Math.min(ClasspathShipper.CHUNK, bytes.length - offset);
      byte[] chunk = java.util.Arrays.copyOfRange(bytes, offset, offset + n);
      Reply r = call(new Calls.Upload(settings.secret(), hash, node.sessionId, offset, chunk, offset + n >= bytes.length), node,
          settings.connectTimeout().toMillis() + 30_000);
      if (r.error() != null) {
        throw new IllegalStateException("uploading " + entry.origin() + ": " + r.error());
      }
    }
  }

  /** A member left the cluster. */
  private void memberLeft(UUID member) {
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
      failed.add(held.size());
      orphans = noNodeLeft();
      lock.notifyAll();
      maybeFinish();
    }
    if (!quiet) {
      tasks.error("cluster pool " + settings.poolOptions().name() + ": " + node + " is lost (" + why + "); "
          + held.size() + " task(s) it held fail NODE_LOST");
    }
    List<Runnable> failures = new ArrayList<>();
    for (RemoteTask t : held) {
      TaskFailedException e = new TaskFailedException(TaskFailedException.Kind.NODE_LOST, "task " + t.id()
          + " was held by " + node + ", which is lost (" + why + "): it may or may not have run, and is not run again",
          null, null, null, null);
      failures.add(() -> tasks.fail(t, e));
    }
    tasks.runAll(failures);
    failNotRun(orphans, "no node is left to run it");
    if (!quiet) {
      executor.submitToMember(new Calls.Close(node.sessionId, true), node.member); // best effort: a node that lives on
    }
  }

  private void failNotRun(List<RemoteTask> orphans, String why) {
    if (orphans.isEmpty()) {
      return;
    }
    failed.add(orphans.size());
    List<Runnable> failures = new ArrayList<>();
    for (RemoteTask t : orphans) {
      TaskFailedException e = new TaskFailedException(TaskFailedException.Kind.NOT_RUN, "task " + t.id() + " not run: "
          + why, null, null, null, null);
      failures.add(() -> tasks.fail(t, e));
    }
    tasks.runAll(failures);
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
      failNotRun(List.of(task), "no node is left to run it");
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
      executor.submitToMember(new Calls.Cancel(holder.sessionId, new long[] {task.id()}), holder.member);
    }
  }

  /** The dispatcher thread: sends batches to the node with the most free slots. */
  private void dispatch() {
    while (true) {
      NodeLink target;
      Calls.Submit batch;
      synchronized (lock) {
        while (state != State.TERMINATED && (queue.isEmpty() || best() == null)) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (state == State.TERMINATED) {
          return;
        }
        target = best();
        int n = batchSize(target);
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
      executor.submitToMember(batch, node.member, new ExecutionCallback<Reply>() {
        @Override
        public void onResponse(Reply reply) {
          sent(node);
          if (reply.error() != null) {
            lost(node, reply.error());
          }
        }

        @Override
        public void onFailure(Throwable t) {
          sent(node);
          lost(node, describe(t));
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

  /**
   * The node that gets the next batch, or null: the one with the most idle workers if any has
   * some, so that tasks spread over every node's workers first; else the one with the most room
   * in its pipeline ({@code tasksPerWorker} per worker), to hide the network's round trip.
   */
  @GuardedBy("lock")
  private NodeLink best() {
    NodeLink best = null;
    int most = 0;
    for (NodeLink node : nodes.values()) {
      if (node.idle() > most) {
        most = node.idle();
        best = node;
      }
    }
    if (best != null) {
      return best;
    }
    for (NodeLink node : nodes.values()) {
      int free = node.free(settings.tasksPerWorker());
      if (free > most) {
        most = free;
        best = node;
      }
    }
    return best;
  }

  /**
   * How many tasks the chosen node gets: as many as it has idle workers; else its room, but no
   * more than its share of the queue among the nodes with room, so the others get theirs.
   */
  @GuardedBy("lock")
  private int batchSize(NodeLink target) {
    int n;
    if (target.idle() > 0) {
      n = target.idle();
    } else {
      int withRoom = 0;
      for (NodeLink node : nodes.values()) {
        if (node.free(settings.tasksPerWorker()) > 0 || node.sending) {
          withRoom++;
        }
      }
      int share = (queue.size() + withRoom - 1) / Math.max(1, withRoom);
      n = Math.min(target.free(settings.tasksPerWorker()), Math.max(1, share));
    }
    return Math.min(Math.min(n, settings.maxBatch()), queue.size());
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
        reply = call(new Calls.Poll(node.sessionId, POLL_MILLIS), node, wait);
      } catch (TimeoutException e) {
        lost(node, "no answer within the heartbeat time-out (" + settings.heartbeatTimeout() + ")");
        return;
      } catch (Exception e) {
        lost(node, describe(e));
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
          done.add(() -> (tasks.complete(t, o.answer(), "a worker on " + node) ? completed : failed).increment());
        }
      }
      if (reply.ending() != null && node.state == NodeLink.State.READY) {
        node.state = NodeLink.State.DRAINING;
      }
      lock.notifyAll();
      maybeFinish();
    }
    for (PollReply.Request r : reply.requests()) {
      done.add(() -> tasks.serve(r.requestId(), r.bytes(), answer -> executor.submitToMember(
          new Calls.Answers(node.sessionId, new long[] {answer.requestId()}, new byte[][] {answer.response()},
              new String[] {answer.error()}), node.member)));
    }
    tasks.runAll(done);
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
    List<java.util.concurrent.Future<Reply>> closes = new ArrayList<>();
    for (NodeLink node : open) {
      try {
        closes.add(executor.submitToMember(new Calls.Close(node.sessionId, terminate), node.member));
      } catch (RuntimeException e) {
        // the client or the member is gone: so is the session, or it will be at its lease's end
      }
    }
    for (java.util.concurrent.Future<Reply> f : closes) {
      try {
        f.get(terminate ? 5 : 60, TimeUnit.SECONDS);
      } catch (Exception e) {
        // as above
      }
    }
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
        failNotRun(orphans, "no node is left to run it");
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
      return new PoolStats(submitted, completed.sum(), failed.sum(), cancelled, inFlight(), queue.size(), restarts);
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

  // ---------------------------------------------------------------- calls

  private <T> T call(Callable<T> call, NodeLink node, long timeoutMillis) throws Exception {
    java.util.concurrent.Future<T> f = executor.submitToMember(call, node.member);
    try {
      return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  private static String describe(Throwable e) {
    Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
