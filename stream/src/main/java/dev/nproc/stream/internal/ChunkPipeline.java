package dev.nproc.stream.internal;

import dev.nproc.core.TaskFailedException;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The engine behind every {@code IterStream} entry point: pulls the input lazily in chunks of
 * {@code granularity} elements, submits each chunk as one pool task, and hands the finished
 * chunks back, in completion or input order, to the one thread that consumes them.
 *
 * <p>Not thread-safe: {@link #nextChunk}, {@link #reportProgress} and {@link #close} must be
 * called by one consuming thread at a time. The pool's callback threads touch only the
 * hand-off queue.
 *
 * @param <A> the element type
 * @param <B> the result type
 */
public final class ChunkPipeline<A, B> {
  /*
   * Concurrency design.
   *
   * Two kinds of threads meet here:
   *   - the consuming thread (the caller of iterStream, or whoever pulls the stream that map
   *     returned). It alone reads the input iterator, submits chunks, decodes results, writes the
   *     error log entries about elements, and calls g and the progress callback. Every field
   *     except `completions` is confined to it, so it needs no lock.
   *   - the pool's callback threads, on which the futures returned by pool.call complete. Their
   *     only action is completions.add(chunk): a non-blocking put into an unbounded
   *     LinkedBlockingQueue. They never run user code of ours and never wait, so a slow g cannot
   *     stall the pool's callback threads, let alone its pipe readers.
   *
   * The bounded hand-off: the queue itself is unbounded, but it can never hold more than
   * `window` chunks, because the consuming thread never has more than `window` chunks
   * outstanding: a chunk is outstanding from the moment its first element is pulled from the
   * input until nextChunk returns it for delivery; and nextChunk tops the window up only on
   * entry, that is, after the consumer has finished handing over the previous chunk. So the
   * elements pulled from the input and not yet handed over never number more than
   * window * granularity (the chunk being handed over counts, since it was outstanding when the
   * window was last topped up). In ordered mode the reorder buffer holds only outstanding chunks,
   * so it is inside the same bound.
   *
   * The byte window: besides counting chunks, the consuming thread stops topping up while the
   * estimated bytes outstanding (heldBytes: a chunk's elements while it is in the pool, its
   * results once back, until handed over) reach windowBytes; one chunk is always let through.
   * heldBytes is an AtomicLong because a callback thread swaps a chunk's elements for its results
   * when the chunk completes; the consuming thread adds a chunk's elements when it submits it and
   * removes its results when it takes it. A chunk whose submit throws is never counted back out,
   * but then the pipeline stops anyway.
   *
   * Backpressure: when the window is full, or the input is exhausted with chunks still out, the
   * consuming thread blocks in completions.take() until a callback thread adds a chunk; there is
   * no polling and no spinning. When it is idle, g is not running, and when g is slow, the
   * workers drain at most the window and then sit idle; nothing grows.
   *
   * Closing (the caller stopped early: map's stream closed, an exception downstream, the
   * iterating thread interrupted, or map's stream collected unclosed): the consumer stops pulling
   * and cancels every chunk still in the pool, so the pool drops the queued ones and stops the
   * running ones (see Pool's cancellation). Their callbacks add them to a queue nobody reads,
   * which the garbage collector then takes with the pipeline. `inPool` is a concurrent map
   * because close may run on the cleaner's thread when map's stream was abandoned; by then the
   * consuming thread is gone.
   */

  /**
   * A chunk whose task has ended, successfully or not; built on a callback thread. {@code result}
   * is the worker's answer in the wire form of {@link ChunkResult#read}.
   */
  private record Done(long seq, long firstPosition, int size, Object result, Throwable failure, long bytes) {}

  private final Iterator<A> input;
  private final Function<ArrayList<A>, CompletableFuture<Object>> submit;
  private final int granularity;
  private final int window;
  private final long windowBytes;
  private final boolean ordered;
  private final Consumer<String> errorLog;
  private final ProgressSink progress;
  private final String what;

  private final LinkedBlockingQueue<Done> completions = new LinkedBlockingQueue<>();
  /** The futures of the chunks in the pool, by sequence number, until their result is taken. */
  private final Map<Long, CompletableFuture<Object>> inPool = new ConcurrentHashMap<>();
  private final Map<Long, Done> reorder = new HashMap<>();
  /**
   * The estimated bytes of the chunks outstanding ({@link ByteEstimate}): a chunk's elements
   * while it is in the pool, then its results until they are handed over. Callback threads swap
   * a chunk's elements for its results; the consuming thread adds elements and removes results.
   */
  private final AtomicLong heldBytes = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private long nextSeq;
  private long nextToDeliver;
  private long position;
  private int outstanding;
  private boolean inputExhausted;
  private boolean closed;
  private long done;
  private long failed;

  /**
   * Creates a pipeline; nothing is pulled until the first {@link #nextChunk}.
   *
   * @param input the elements
   * @param submit submits a chunk as one pool task, whose result is a chunk's outcome in the
   *     wire form of {@link ChunkResult#read}; its future fails with a
   *     {@link TaskFailedException} (or is cancelled) when the chunk is lost
   * @param granularity elements per chunk, at least 1
   * @param window the most chunks outstanding at once, at least 1
   * @param windowBytes the most estimated bytes of elements and results outstanding before no
   *     more input is pulled (one chunk is always let through)
   * @param ordered whether to return chunks in input order
   * @param errorLog where failures are reported
   * @param progress the progress callback, or {@code null}
   * @param what a name for messages, such as {@code "iterStream"}
   */
  public ChunkPipeline(Iterator<A> input, Function<ArrayList<A>, CompletableFuture<Object>> submit,
                       int granularity, int window, long windowBytes, boolean ordered, Consumer<String> errorLog,
                       ProgressSink progress, String what) {
    if (granularity < 1 || window < 1) {
      throw new IllegalArgumentException("granularity and window must be at least 1");
    }
    this.input = input;
    this.submit = submit;
    this.granularity = granularity;
    this.window = window;
    this.windowBytes = windowBytes;
    this.ordered = ordered;
    this.errorLog = errorLog;
    this.progress = progress;
    this.what = what;
  }

  /**
   * Returns the most elements this pipeline holds at once: pulled from the input and not yet
   * handed over.
   *
   * @return {@code window * granularity}
   */
  public long bound() {
    return (long) window * granularity;
  }

  /**
   * Tops up the window from the input, then waits for the next finished chunk and returns its
   * results. The caller must hand all of them over before it calls again.
   *
   * @return the chunk's results, one per element, or {@code null} when the input is exhausted
   *     and every chunk has been returned, or the pipeline is closed
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public List<Optional<B>> nextChunk() throws InterruptedException {
    if (closed) {
      return null;
    }
    fill();
    if (outstanding == 0) {
      return null;
    }
    Done d;
    if (ordered) {
      d = reorder.remove(nextToDeliver);
      while (d == null) {
        Done c = completions.take();
        if (c.seq == nextToDeliver) {
          d = c;
        } else {
          reorder.put(c.seq, c);
        }
      }
      nextToDeliver++;
    } else {
      d = completions.take();
    }
    inPool.remove(d.seq);
    outstanding--;
    heldBytes.addAndGet(-d.bytes);
    return decode(d);
  }

  /** Pulls and submits chunks until the window is full or the input is exhausted. */
  private void fill() {
    while (outstanding < window && !inputExhausted && (outstanding == 0 || heldBytes.get() < windowBytes)) {
      ArrayList<A> chunk = new ArrayList<>(Math.min(granularity, 1024));
      long first = position;
      while (chunk.size() < granularity && input.hasNext()) {
        chunk.add(input.next());
        position++;
      }
      if (chunk.size() < granularity) {
        inputExhausted = true;
      }
      if (chunk.isEmpty()) {
        return;
      }
      long seq = nextSeq++;
      int size = chunk.size();
      long sent = ByteEstimate.ofAll(chunk);
      heldBytes.addAndGet(sent);
      CompletableFuture<Object> future = submit.apply(chunk);
      inPool.put(seq, future);
      outstanding++;
      future.whenComplete((r, e) -> {
        long back = r instanceof ChunkResult result ? result.estimatedBytes() : ByteEstimate.of(r);
        heldBytes.addAndGet(back - sent);
        completions.add(new Done(seq, first, size, r, e, back));
      });
    }
  }

  private List<Optional<B>> decode(Done d) {
    ChunkResult result = d.failure == null ? ChunkResult.read(d.result) : null;
    if (result == null || result.size() != d.size) {
      failed += d.size;
      done += d.size;
      errorLog(lostChunkMessage(d));
      return Collections.nCopies(d.size, Optional.empty());
    }
    if (result.anyFailed()) {
      for (int i = 0; i < d.size; i++) {
        String error = result.error(i);
        if (error != null) {
          failed++;
          errorLog(what + ": element #" + (d.firstPosition + i) + " of the input failed in its worker:\n" + error);
        }
      }
    }
    done += d.size;
    return new Results<>(result);
  }

  /**
   * A finished chunk's results as the consumer sees them, made as they are read: no copy of the
   * values, and no {@code Optional} for an element nobody reads.
   */
  private static final class Results<B> extends AbstractList<Optional<B>> implements RandomAccess {
    private final ChunkResult result;

    Results(ChunkResult result) {
      this.result = result;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<B> get(int i) {
      return result.error(i) != null ? Optional.empty() : Optional.ofNullable((B) result.value(i));
    }

    @Override
    public int size() {
      return result.size();
    }
  }

  private String lostChunkMessage(Done d) {
    String range = d.size == 1 ? "element #" + d.firstPosition
        : "elements #" + d.firstPosition + " to #" + (d.firstPosition + d.size - 1);
    Throwable t = d.failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    StringBuilder sb = new StringBuilder(what).append(": ").append(range)
        .append(" of the input (one chunk) got no result; each is empty: ");
    if (t instanceof TaskFailedException tf) {
      sb.append(tf.kind()).append(": ").append(tf.getMessage());
      if (tf.remoteStackTrace() != null) {
        sb.append('\n').append(tf.remoteStackTrace());
      }
    } else if (t instanceof CancellationException) {
      sb.append("the task was cancelled (the pool was terminated, or its future cancelled)");
    } else if (t != null) {
      sb.append(t);
    } else {
      sb.append("the worker sent a malformed chunk result");
    }
    return sb.toString();
  }

  /**
   * Reports a caught exception of the consumer ({@code g}) or the progress callback.
   *
   * @param message what failed
   * @param e the exception
   */
  public void logException(String message, Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    errorLog(what + ": " + message + "\n" + out.toString().stripTrailing());
  }

  private void errorLog(String message) {
    try {
      errorLog.accept(message);
    } catch (RuntimeException e) {
      // a broken log must not stop the iteration
    }
  }

  /** Calls the progress callback, if any, with the counters as they are now. */
  public void reportProgress() {
    if (progress == null) {
      return;
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    double seconds = elapsed.toNanos() / 1e9;
    try {
      progress.report(done, failed, elapsed, seconds > 0 ? done / seconds : 0);
    } catch (RuntimeException e) {
      logException("the progress callback threw", e);
    }
  }

  /**
   * Stops pulling the input and cancels the chunks still in the pool: queued ones never run,
   * running ones are interrupted (and their workers replaced if they do not stop). Idempotent.
   */
  public void close() {
    closed = true;
    for (CompletableFuture<Object> f : inPool.values()) {
      f.cancel(true);
    }
    inPool.clear();
    reorder.clear();
    completions.clear();
  }
}
