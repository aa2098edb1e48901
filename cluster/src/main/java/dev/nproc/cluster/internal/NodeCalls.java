package dev.nproc.cluster.internal;

import com.hazelcast.core.IExecutorService;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The master's blocking calls on a node: the first exchange of a session ({@link #open}:
 * handshake with the secret and the protocol version, upload of the classpath entries the node
 * lacks, open), and any call with a time-out ({@link #call}). Used by the opener and poller
 * threads, never under the engine's lock.
 *
 * <p>Thread-safe: immutable, over Hazelcast's thread-safe executor proxy.
 */
final class NodeCalls {
  private final IExecutorService executor;
  private final MasterSettings settings;
  private final SessionSettings session;
  private final List<ClasspathShipper.Entry> classpath;
  private final String clientId;

  NodeCalls(IExecutorService executor, MasterSettings settings, SessionSettings session,
            List<ClasspathShipper.Entry> classpath, String clientId) {
    this.executor = executor;
    this.settings = settings;
    this.session = session;
    this.classpath = classpath;
    this.clientId = clientId;
  }

  /**
   * Opens the master's session on a node.
   *
   * @return the node's workers
   * @throws IllegalStateException with the node's reason, if it refused (a secret or version mismatch, say)
   * @throws Exception if a call failed
   */
  int open(NodeLink node) throws Exception {
    Reply hello = call(new Calls.Handshake(settings.secret(), hashes()), node, settings.connectTimeout().toMillis());
    if (hello.error() != null) {
      throw new IllegalStateException(hello.error());
    }
    for (String missing : hello.strings()) {
      upload(node, missing);
    }
    long startup = settings.poolOptions().startupTimeout().toMillis() + settings.connectTimeout().toMillis();
    Reply open = call(new Calls.Open(settings.secret(), node.sessionId, clientId,
        settings.shipClasspath() ? hashes() : new String[0], session), node, startup);
    if (open.error() != null) {
      throw new IllegalStateException(open.error());
    }
    return open.number();
  }

  private String[] hashes() {
    return classpath.stream().map(ClasspathShipper.Entry::hash).toArray(String[]::new);
  }

  /** Uploads one classpath entry in chunks, in order. */
  private void upload(NodeLink node, String hash) throws Exception {
    ClasspathShipper.Entry entry = classpath.stream().filter(e -> e.hash().equals(hash)).findFirst()
        .orElseThrow(() -> new IllegalStateException("the node asked for an entry this master never offered: " + hash));
    byte[] bytes = Files.readAllBytes(entry.file());
    for (int offset = 0; offset == 0 || offset < bytes.length; offset += ClasspathShipper.CHUNK) {
      int n = Math.min(ClasspathShipper.CHUNK, bytes.length - offset);
      byte[] chunk = Arrays.copyOfRange(bytes, offset, offset + n);
      Reply r = call(new Calls.Upload(settings.secret(), hash, node.sessionId, offset, chunk,
          offset + n >= bytes.length), node, settings.connectTimeout().toMillis() + 30_000);
      if (r.error() != null) {
        throw new IllegalStateException("uploading " + entry.origin() + ": " + r.error());
      }
    }
  }

  /** Makes a call on a node and waits for its answer; a {@link java.util.concurrent.TimeoutException} after {@code timeoutMillis}. */
  <T> T call(Callable<T> call, NodeLink node, long timeoutMillis) throws Exception {
    Future<T> f = executor.submitToMember(call, node.member);
    try {
      return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  /**
   * Sends a batch of tasks; {@code done} gets the node's reply or the failure, on a Hazelcast
   * thread, or on this one if the call cannot even be made.
   */
  void submit(Calls.Submit batch, NodeLink node, java.util.function.BiConsumer<Reply, Throwable> done) {
    try {
      executor.submitToMember(batch, node.member, new com.hazelcast.core.ExecutionCallback<Reply>() {
        @Override
        public void onResponse(Reply reply) {
          done.accept(reply, null);
        }

        @Override
        public void onFailure(Throwable t) {
          done.accept(null, t);
        }
      });
    } catch (RuntimeException e) { // the member is not connected, or the client is shutting down
      done.accept(null, e);
    }
  }

  /** A call whose answer nobody waits for; if it cannot be made, the node is gone or going anyway. */
  void bestEffort(Calls.NodeCall<Reply> call, NodeLink node) {
    try {
      executor.submitToMember(call, node.member);
    } catch (RuntimeException e) {
      // the client is shutting down, or the member has left
    }
  }

  /** Closes (drains) or terminates the sessions on these nodes, and waits for each, within bounds. */
  void closeAll(List<NodeLink> nodes, boolean terminate) {
    List<Future<Reply>> closes = new java.util.ArrayList<>();
    for (NodeLink node : nodes) {
      try {
        closes.add(executor.submitToMember(new Calls.Close(node.sessionId, terminate), node.member));
      } catch (RuntimeException e) {
        // the client or the member is gone: so is the session, or it will be at its lease's end
      }
    }
    for (Future<Reply> f : closes) {
      try {
        f.get(terminate ? 5 : 60, TimeUnit.SECONDS);
      } catch (Exception e) {
        // as above
      }
    }
  }

  /** A failure's class and message, for logs and NODE_LOST messages. */
  static String describe(Throwable e) {
    Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
