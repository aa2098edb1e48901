package dev.nproc.core.internal.wire;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends messages down one stream from a thread of its own, so that no caller ever blocks on
 * the pipe. Messages go out in the order {@link #send} was called.
 *
 * <p>Concurrency: callers only add to an unbounded queue. The sender thread takes what is
 * queued, writes it all, and flushes once per batch, so frames produced faster than the pipe
 * drains are coalesced into few writes. When the stream fails, the thread stops and reports the
 * failure once; later messages are dropped (the peer is gone, and its reader sees the end of
 * the stream). {@link #close} queues a marker: what was sent before it is written and flushed,
 * then the thread ends and {@link #closed()} completes.
 */
public final class FrameSender {
  private static final Logger TRACE = LoggerFactory.getLogger("dev.nproc.wire");
  private static final Message CLOSE = new Shutdown();

  private final LinkedBlockingQueue<Message> queue = new LinkedBlockingQueue<>();
  private final FrameWriter writer;
  private final String peer;
  private final Consumer<Throwable> onFailure;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final Thread thread;

  /**
   * Creates a sender and starts its thread.
   *
   * @param out the stream, buffered
   * @param maxMessageSize the largest body allowed
   * @param threadName the sender thread's name
   * @param peer who is at the other end, for the trace
   * @param onFailure told once if the stream fails
   */
  public FrameSender(OutputStream out, int maxMessageSize, String threadName, String peer,
                     Consumer<Throwable> onFailure) {
    this.writer = new FrameWriter(out, maxMessageSize);
    this.peer = peer;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues a message. Never blocks.
   *
   * @param message the message
   */
  public void send(Message message) {
    queue.add(message);
  }

  /** Queues the end: what was sent before is written and flushed, then the thread ends. */
  public void close() {
    queue.add(CLOSE);
  }

  /**
   * Returns a future that completes when the thread has ended, after {@link #close} or a failure.
   *
   * @return the future
   */
  public CompletableFuture<Void> closed() {
    return closed;
  }

  private void run() {
    List<Message> batch = new ArrayList<>();
    boolean trace = TRACE.isDebugEnabled();
    try {
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch, 4096);
        for (Message message : batch) {
          if (message == CLOSE) {
            writer.flush();
            return;
          }
          if (trace) {
            TRACE.debug("to {}: {}", peer, message);
          }
          writer.write(message);
        }
        writer.flush();
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception | Error e) {
      onFailure.accept(e);
    } finally {
      closed.complete(null);
    }
  }
}
