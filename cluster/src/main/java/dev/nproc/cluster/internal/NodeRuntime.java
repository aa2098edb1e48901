package dev.nproc.cluster.internal;

import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.internal.EncodedPool;
import dev.nproc.pool.internal.EngineConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What a node does for its masters: checks the first exchange, keeps the shipped classpath
 * ({@link ClasspathCache}), runs one {@link NodeSession} per master session, and ends a session
 * whose master is gone: at once when its Hazelcast client disconnects ({@link #clientGone}), or
 * when it has not polled for its lease (the heartbeat time-out the master gave), whichever comes
 * first.
 *
 * <p>Thread-safe: the calls run on the member's executor threads, the lease check on its own
 * timer thread; sessions live in a concurrent map, and each session guards itself.
 */
public final class NodeRuntime {
  /** How often the leases are checked. */
  private static final long LEASE_CHECK_MILLIS = 250;

  private final String secret;
  private final int workers;
  private final PoolOptions poolOptions;
  private final ClasspathCache cache;
  private final Consumer<String> log;
  private final Map<String, NodeSession> sessions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "nproc-node-leases");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closing;

  /**
   * Creates a node's runtime.
   *
   * @param secret the shared secret masters must present
   * @param workers the workers of each session's pool
   * @param poolOptions the node's options for its workers (JDK, output, environment...)
   * @param cacheDirectory where shipped classpath entries are kept
   */
  public NodeRuntime(String secret, int workers, PoolOptions poolOptions, Path cacheDirectory) {
    this.secret = secret;
    this.workers = workers;
    this.poolOptions = poolOptions;
    this.cache = new ClasspathCache(cacheDirectory);
    this.log = poolOptions.infoLog();
    leases.scheduleWithFixedDelay(this::checkLeases, LEASE_CHECK_MILLIS, LEASE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  Reply handshake(Calls.Handshake h) {
    String wrong = Protocol.mismatch(secret, h.secret, h.version);
    if (wrong != null) {
      return Reply.error(wrong);
    }
    return Reply.ok(workers, cache.missing(h.hashes));
  }

  Reply upload(Calls.Upload u) {
    String wrong = Protocol.mismatch(secret, u.secret, Protocol.VERSION);
    if (wrong != null) {
      return Reply.error(wrong);
    }
    try {
      String error = cache.upload(u.hash, u.uploadId, u.offset, u.bytes, u.last);
      return error == null ? Reply.ok() : Reply.error(error);
    } catch (IOException e) {
      return Reply.error("the node cannot store " + u.hash + ": " + e);
    }
  }

  Reply open(Calls.Open o) {
    String wrong = Protocol.mismatch(secret, o.secret, o.version);
    if (wrong != null) {
      return Reply.error(wrong);
    }
    if (closing) {
      return Reply.error("the node is closing");
    }
    SessionSettings s = o.settings;
    try {
      String classpath = o.classpath.length == 0 ? null : cache.classpath(o.classpath);
      String name = s.name() + "@" + o.sessionId.substring(0, 8);
      EngineConfig config = s.engineConfig(poolOptions, classpath, name);
      NodeSession session = new NodeSession(o.sessionId, o.clientId, s.leaseMillis(), name,
          serv -> EncodedPool.start(workers, config, s.init(), s.full() ? s.env() : new byte[0], s.full() ? serv : null));
      sessions.put(o.sessionId, session);
      log.accept("nproc node: " + session + " opened for client " + o.clientId + " with " + session.workers()
          + " workers");
      return Reply.ok(session.workers(), new String[0]);
    } catch (RuntimeException e) {
      return Reply.error("the node could not start the session's workers: " + e.getMessage());
    }
  }

  Reply submit(Calls.Submit batch) {
    NodeSession session = sessions.get(batch.sessionId);
    if (session == null) {
      return Reply.error("unknown session " + batch.sessionId + " (it ended, or the node restarted)");
    }
    session.submit(batch);
    return Reply.ok();
  }

  PollReply poll(String sessionId, long waitMillis) throws InterruptedException {
    NodeSession session = sessions.get(sessionId);
    if (session == null) {
      return new PollReply("unknown session " + sessionId + " (it ended, or the node restarted)", true, 0,
          new ArrayList<>(), new ArrayList<>());
    }
    return session.poll(waitMillis);
  }

  Reply answers(Calls.Answers a) {
    NodeSession session = sessions.get(a.sessionId);
    if (session != null) {
      for (int i = 0; i < a.requestIds.length; i++) {
        session.answer(a.requestIds[i], a.answers[i], a.errors[i]);
      }
    }
    return Reply.ok();
  }

  Reply cancel(String sessionId, long[] taskIds) {
    NodeSession session = sessions.get(sessionId);
    if (session != null) {
      session.cancel(taskIds);
    }
    return Reply.ok();
  }

  Reply close(String sessionId, boolean terminate) {
    NodeSession session = sessions.get(sessionId);
    if (session != null) {
      end(session, terminate, terminate ? "the master terminated its pool" : "the master closed its pool")
          .orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
    return Reply.ok();
  }

  private CompletableFuture<Void> end(NodeSession session, boolean terminate, String why) {
    log.accept("nproc node: " + session + " ends: " + why);
    CompletableFuture<Void> ended = session.end(terminate, why);
    // A drained session stays known until its master has polled its last outcomes (or a while).
    CompletableFuture<Void> gone = terminate ? ended : ended.thenCompose(v -> session.handedOver)
        .completeOnTimeout(null, HAND_OVER_MILLIS, TimeUnit.MILLISECONDS);
    return gone.whenComplete((v, e) -> sessions.remove(session.id, session));
  }

  /** How long a closing node waits for a master to fetch the last outcomes of its session. */
  private static final long HAND_OVER_MILLIS = 10_000;

  /**
   * A Hazelcast client left this member: the sessions it opened end now, their workers killed.
   *
   * @param clientId the client's UUID
   */
  public void clientGone(UUID clientId) {
    String id = clientId.toString();
    for (NodeSession s : sessions.values()) {
      if (s.clientId.equals(id)) {
        end(s, true, "its master's client disconnected");
      }
    }
  }

  private void checkLeases() {
    long now = System.nanoTime();
    for (NodeSession s : sessions.values()) {
      if (s.leaseExpired(now)) {
        end(s, true, "its master has not polled for " + s.leaseMillis + " ms (its heartbeat time-out)");
      }
    }
  }

  /**
   * Closes the node's sessions: each pool finishes the tasks it holds, then its workers exit.
   *
   * @return a future that completes once every session's workers are gone
   */
  public CompletableFuture<Void> drain() {
    closing = true;
    List<CompletableFuture<Void>> ends = new ArrayList<>();
    for (NodeSession s : sessions.values()) {
      // drained, and its master has polled the last outcomes (or stopped polling): only then may the member go
      ends.add(end(s, false, "the node is closing"));
    }
    return CompletableFuture.allOf(ends.toArray(new CompletableFuture<?>[0]))
        .whenComplete((v, e) -> leases.shutdownNow());
  }

  /** Kills every session's workers now. */
  public void terminate() {
    closing = true;
    for (NodeSession s : sessions.values()) {
      end(s, true, "the node is shutting down");
    }
    leases.shutdownNow();
  }

  /**
   * Returns the number of workers each session gets.
   *
   * @return the number of workers
   */
  public int workers() {
    return workers;
  }
}
