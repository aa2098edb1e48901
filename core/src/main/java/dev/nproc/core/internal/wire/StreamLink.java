package dev.nproc.core.internal.wire;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Link} over a pair of byte streams, framed by {@link FrameWriter} and
 * {@link FrameReader}: the one read loop and the one write path of both ends of a pipe.
 *
 * <p>Two ways to send, one factory each:
 * <ul>
 *   <li>{@link #toWorker} (the master's end): {@code send} only adds to a queue, so no caller ever
 *       blocks on the pipe. A sender thread of the link's own takes what is queued, writes it all
 *       and flushes once per batch, so frames produced faster than the pipe drains are coalesced
 *       into few writes.</li>
 *   <li>{@link #toMaster} (a worker's end): {@code send} writes and flushes the frame on the
 *       caller's thread, under the link's lock, so a result goes out at once, without a thread
 *       hand-off. The master reads its workers all the time, so such a write blocks only while the
 *       pipe drains.</li>
 * </ul>
 * Either way, when the stream fails the link reports it once to {@code onSendFailure} and drops
 * later messages (the peer is gone; the reading side sees the end of its stream).
 *
 * <p>Reading: {@link #receive} takes every frame already buffered together as one batch, at most
 * {@link #MAX_BATCH}, so that the receiver can handle many results at the cost of one. At DEBUG
 * level on the logger {@code dev.nproc.wire}, every message sent and received is traced as YAML.
 *
 * @param <O> the messages this end sends
 * @param <I> the messages this end receives
 */
public final class StreamLink<O extends Message, I extends Message> implements Link<O, I> {
  private static final Logger TRACE = LoggerFactory.getLogger("dev.nproc.wire");
  /** The most messages handed over in one batch. */
  public static final int MAX_BATCH = 256;
  private static final int BUFFER = 1 << 16;

  private final InputStream in;
  private final int maxMessageSize;
  private final Class<I> inbound;
  private final Outbound<O> outbound;
  private final String peer;
  private final boolean trace = TRACE.isDebugEnabled();

  private StreamLink(InputStream in, Class<I> inbound, Outbound<O> outbound, int maxMessageSize, String peer) {
    this.in = in;
    this.maxMessageSize = maxMessageSize;
    this.inbound = inbound;
    this.outbound = outbound;
    this.peer = peer;
  }

  /**
   * Creates the master's end of a link to a worker; {@code send} never blocks. Starts the
   * sender thread.
   *
   * @param fromWorker the worker's output
   * @param toWorker the worker's input
   * @param maxMessageSize the largest frame body allowed either way
   * @param threadName the sender thread's name
   * @param peer who is at the other end, for the trace and errors
   * @param onSendFailure told once if writing fails
   * @return the link
   */
  public static StreamLink<WorkerBound, MasterBound> toWorker(InputStream fromWorker, OutputStream toWorker,
      int maxMessageSize, String threadName, String peer, Consumer<Throwable> onSendFailure) {
    FrameWriter writer = new FrameWriter(new BufferedOutputStream(toWorker, BUFFER), maxMessageSize);
    return new StreamLink<>(fromWorker, MasterBound.class,
        new Queued<>(writer, threadName, peer, onSendFailure), maxMessageSize, peer);
  }

  /**
   * Creates a worker's end of its link to the master; {@code send} writes and flushes on the
   * caller's thread.
   *
   * @param fromMaster the master's frames (the worker's stdin)
   * @param toMaster where frames go (the worker's real stdout)
   * @param maxMessageSize the largest frame body allowed either way
   * @param onSendFailure told if a write fails
   * @return the link
   */
  public static StreamLink<MasterBound, WorkerBound> toMaster(InputStream fromMaster, OutputStream toMaster,
      int maxMessageSize, Consumer<Throwable> onSendFailure) {
    FrameWriter writer = new FrameWriter(new BufferedOutputStream(toMaster, BUFFER), maxMessageSize);
    return new StreamLink<>(fromMaster, WorkerBound.class, new Direct<>(writer, "master", onSendFailure),
        maxMessageSize, "master");
  }

  @Override
  public void send(O message) {
    outbound.send(message);
  }

  @Override
  public void close() {
    outbound.close();
  }

  @Override
  public void receive(Consumer<List<I>> batches) throws IOException {
    // Made on the reading thread: Chronicle's buffers check that one thread uses them.
    FrameReader reader = new FrameReader(FrameReader.buffered(in, BUFFER), maxMessageSize);
    List<I> batch = new ArrayList<>();
    for (Message m = reader.read(); m != null; m = reader.read()) {
      batch.add(checked(m));
      Exception broken = null; // a bad frame after good ones: the good ones are handed over first
      try {
        while (batch.size() < MAX_BATCH && reader.hasBufferedInput()) {
          batch.add(checked(reader.read()));
        }
      } catch (IOException | RuntimeException e) {
        broken = e;
      }
      if (trace) {
        for (I b : batch) {
          TRACE.debug("from {}: {}", peer, b);
        }
      }
      batches.accept(batch);
      batch.clear();
      if (broken instanceof IOException e) {
        throw e;
      } else if (broken != null) {
        throw (RuntimeException) broken;
      }
    }
  }

  private I checked(Message m) {
    if (!inbound.isInstance(m)) {
      throw new ProtocolException(peer + " sent " + m.kind() + ", which only goes the other way");
    }
    return inbound.cast(m);
  }

  /** How a link's messages reach its stream. */
  private interface Outbound<O extends Message> {
    void send(O message);

    void close();
  }

  /** Writes on the caller's thread, one frame at a time, flushed at once. */
  private static final class Direct<O extends Message> implements Outbound<O> {
    private final FrameWriter writer;
    private final String peer;
    private final Consumer<Throwable> onFailure;
    private final boolean trace = TRACE.isDebugEnabled();
    private boolean failed;

    Direct(FrameWriter writer, String peer, Consumer<Throwable> onFailure) {
      this.writer = writer;
      this.peer = peer;
      this.onFailure = onFailure;
    }

    @Override
    public synchronized void send(O message) {
      if (failed) {
        return;
      }
      if (trace) {
        TRACE.debug("to {}: {}", peer, message);
      }
      try {
        writer.write(message);
        writer.flush();
      } catch (IOException | RuntimeException e) {
        failed = true;
        onFailure.accept(e);
      }
    }

    @Override
    public synchronized void close() {
      failed = true;
    }
  }

  /**
   * Writes on a thread of its own: callers only add to an unbounded queue. {@link #close} queues
   * a marker: what was sent before it is written and flushed, then the thread ends.
   */
  private static final class Queued<O extends Message> implements Outbound<O> {
    private static final Message CLOSE = new Shutdown();
    private final LinkedBlockingQueue<Message> queue = new LinkedBlockingQueue<>();
    private final FrameWriter writer;
    private final String peer;
    private final Consumer<Throwable> onFailure;
    private volatile boolean dead;

    Queued(FrameWriter writer, String threadName, String peer, Consumer<Throwable> onFailure) {
      this.writer = writer;
      this.peer = peer;
      this.onFailure = onFailure;
      Thread thread = new Thread(this::run, threadName);
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void send(O message) {
      if (!dead) {
        queue.add(message);
      }
    }

    @Override
    public void close() {
      queue.add(CLOSE);
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
        dead = true;
        queue.clear();
        onFailure.accept(e);
      }
    }
  }
}
