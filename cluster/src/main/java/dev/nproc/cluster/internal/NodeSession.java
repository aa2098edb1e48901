package dev.nproc.cluster.internal;

import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.wire.Failure;
import dev.nproc.pool.internal.EncodedPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One master's session on a node: a local pool of the node's workers ({@link EncodedPool}), fed
 * with the master's encoded tasks, and the outbox of what goes back to the master at its next
 * poll (outcomes, service requests).
 *
 * <h2>Concurrency</h2>
 * Calls arrive on the node's executor threads: {@link #submit}, {@link #poll} (one at a time per
 * master, but not enforced), {@link #answer}, {@link #cancel}, {@link #end}. Outcomes arrive on
 * the pool's callback threads. The outbox, the poll's wait and the lease ({@link #lastContact},
 * {@link #polling}) are guarded by this object's monitor; the function table, the running tasks
 * and the pending requests are concurrent maps. Nothing blocks under the monitor but the poll's
 * {@code wait}.
 */
final class NodeSession {
  private static final byte[] NONE = new byte[0];

  final String id;
  final String clientId;
  final long leaseMillis;
  private final EncodedPool pool;
  private final String name;
  /** The functions this master sent, by its keys; a key's bytes never change. */
  private final Map<Long, byte[]> functions = new ConcurrentHashMap<>();
  /** The tasks not finished, by the master's id: for cancel. */
  private final Map<Long, CompletableFuture<Object>> running = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<byte[]>> requests = new ConcurrentHashMap<>();
  private final AtomicLong nextRequest = new AtomicLong(1);

  private final List<PollReply.Outcome> outcomes = new ArrayList<>();
  private final List<PollReply.Request> pendingRequests = new ArrayList<>();
  private long lastContact = System.nanoTime();
  private int polling;
  /** Why the session ends, once it does. */
  private String ended;
  /** Whether its pool has shut down: the next empty poll says so. */
  private boolean gone;
  /** Completes once a poll has said the session is over: its master has every outcome. */
  final CompletableFuture<Void> handedOver = new CompletableFuture<>();

  NodeSession(String id, String clientId, long leaseMillis, String name, Starter starter) {
    this.id = id;
    this.clientId = clientId;
    this.leaseMillis = leaseMillis;
    this.name = name;
    this.pool = starter.start(this::request);
    touch(); // the lease runs from now: starting the workers may take longer than it
  }

  /** Starts the session's pool with the given service (the node's side of Full mode's requests). */
  interface Starter {
    EncodedPool start(java.util.function.Function<byte[], CompletableFuture<byte[]>> serv);
  }

  int workers() {
    return pool.size();
  }

  void submit(Calls.Submit batch) {
    touch();
    for (int i = 0; i < batch.taskIds.length; i++) {
      long taskId = batch.taskIds[i];
      long key = batch.functionKeys[i];
      byte[] function = batch.functions[i];
      if (function != null && function.length > 0) {
        if (key != 0) {
          functions.put(key, function);
        }
      } else {
        function = functions.get(key);
      }
      if (function == null) {
        deliver(taskId, notRun("the node never received its function (key " + key + ")"));
        continue;
      }
      CompletableFuture<Object> future;
      try {
        future = pool.submit(key, function, batch.arguments[i] == null ? NONE : batch.arguments[i], batch.raw[i]);
      } catch (RejectedExecutionException e) {
        deliver(taskId, notRun(e.getMessage()));
        continue;
      }
      running.put(taskId, future);
      future.whenComplete((answer, error) -> {
        running.remove(taskId);
        if (error == null) {
          deliver(taskId, answer);
        } else if (!future.isCancelled()) {
          deliver(taskId, notRun(String.valueOf(error)));
        }
      });
    }
  }

  private static Failure notRun(String why) {
    return new Failure(0, TaskFailedException.Kind.NOT_RUN, null, why, null, NONE);
  }

  private synchronized void deliver(long taskId, Object answer) {
    outcomes.add(new PollReply.Outcome(taskId, answer));
    notifyAll();
  }

  /** A worker's service request: queued for the master's next poll, answered by {@link #answer}. */
  private CompletableFuture<byte[]> request(byte[] bytes) {
    long requestId = nextRequest.getAndIncrement();
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    requests.put(requestId, answer);
    synchronized (this) {
      if (ended != null) {
        requests.remove(requestId);
        answer.completeExceptionally(new IllegalStateException("the master's session ended: " + ended));
        return answer;
      }
      pendingRequests.add(new PollReply.Request(requestId, bytes));
      notifyAll();
    }
    return answer;
  }

  void answer(long requestId, byte[] bytes, String error) {
    touch();
    CompletableFuture<byte[]> answer = requests.remove(requestId);
    if (answer != null) {
      if (error != null) {
        answer.completeExceptionally(new IllegalStateException(error));
      } else {
        answer.complete(bytes);
      }
    }
  }

  void cancel(long[] taskIds) {
    touch();
    for (long id : taskIds) {
      CompletableFuture<Object> f = running.remove(id);
      if (f != null) {
        f.cancel(false);
      }
    }
  }

  /** Waits up to {@code waitMillis} for something to hand back, then hands back all there is. */
  PollReply poll(long waitMillis) throws InterruptedException {
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    synchronized (this) {
      polling++;
      try {
        lastContact = System.nanoTime();
        while (outcomes.isEmpty() && pendingRequests.isEmpty() && !gone) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          wait(Math.max(1, left / 1_000_000));
        }
        List<PollReply.Outcome> o = new ArrayList<>(outcomes);
        List<PollReply.Request> r = new ArrayList<>(pendingRequests);
        outcomes.clear();
        pendingRequests.clear();
        boolean finished = o.isEmpty() && r.isEmpty() && gone;
        if (finished) {
          handedOver.complete(null);
        }
        return new PollReply(ended, finished, (int) pool.stats().workerRestarts(), o, r);
      } finally {
        polling--;
        lastContact = System.nanoTime();
      }
    }
  }

  private synchronized void touch() {
    lastContact = System.nanoTime();
  }

  /** Whether the master has not polled, nor called, for longer than its lease. */
  synchronized boolean leaseExpired(long now) {
    return ended == null && polling == 0 && now - lastContact > leaseMillis * 1_000_000;
  }

  /**
   * Ends the session: drains its pool ({@code terminate} false) or kills its workers.
   *
   * @return a future that completes once its workers are gone
   */
  CompletableFuture<Void> end(boolean terminate, String why) {
    synchronized (this) {
      if (ended == null) {
        ended = why;
      }
      notifyAll();
    }
    if (terminate) {
      pool.terminate();
    } else {
      pool.closeAsync();
    }
    return pool.whenClosed().whenComplete((v, e) -> {
      requests.values().forEach(
          r -> r.completeExceptionally(new IllegalStateException("the master's session ended: " + why)));
      synchronized (this) {
        gone = true;
        notifyAll();
      }
    });
  }

  @Override
  public String toString() {
    return "session " + name;
  }
}
