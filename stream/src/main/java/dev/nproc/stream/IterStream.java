package dev.nproc.stream;

import dev.nproc.core.FullFunction;
import dev.nproc.core.SerializableFunction;
import dev.nproc.core.internal.ErrorSink;
import dev.nproc.pool.FullPool;
import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import dev.nproc.stream.internal.ChunkFunction;
import dev.nproc.stream.internal.ChunkPipeline;
import dev.nproc.stream.internal.FullChunkFunction;
import dev.nproc.stream.internal.ProgressSink;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Parallel iteration over a {@link Stream} on a pool of worker processes: a function is applied
 * to every element in the workers and each result is handed back to the caller. This is
 * OCaml Nproc's {@code iter_stream}.
 *
 * <p>Elements travel in chunks of {@link IterOptions#granularity()} consecutive elements; a
 * chunk is one pool task, whose elements run one after another in one worker. The function
 * travels to each worker once, not once per chunk. One element's exception fails only that
 * element: its result is {@link Optional#empty()} and the error log gets one message with its
 * position in the input and the remote exception. A worker that dies while running a chunk
 * loses that chunk: each of its elements gets an empty result (the ones it had finished are not
 * told apart from the one that killed it), and the iteration goes on with a replacement worker.
 *
 * <p>The input is pulled lazily: at most {@link #WINDOW_PER_WORKER}{@code  × nproc ×
 * granularity} elements are pulled from the input and not yet handed over at any time, however
 * long the stream and however slow the consumer. When that many are out, the consuming thread
 * blocks (without spinning) until a chunk comes back.
 *
 * <p>If the function, or an element, cannot be serialized, the iteration stops with the
 * {@link IllegalArgumentException} of the pool's {@code submit}. A result that is not
 * {@link java.io.Serializable} fails only its element; one that is but cannot be encoded all the
 * same fails its whole chunk.
 *
 * <p>Thread-safe: the static methods may be called from any threads at once; each call has its
 * own state. The stream returned by {@link #map} is, like any stream, for one thread.
 */
public final class IterStream {
  /**
   * How many chunks per worker may be out at once, counting chunks being handed over: four times
   * as many as the pool pipelines to a worker by default
   * ({@link dev.nproc.pool.PoolOptions#DEFAULT_PIPELINE_DEPTH}). The chunks beyond those wait in the pool's
   * queue, and the pool sends one the moment a worker answers, without waiting for the consuming
   * thread to wake up and submit it; for small chunks that doubles the throughput. Memory stays
   * bounded by {@code 32 x nproc x granularity} elements.
   */
  public static final int WINDOW_PER_WORKER = 32;

  private IterStream() {}

  /**
   * Applies {@code f} to every element of {@code input} in a new pool of {@code nproc} workers,
   * one element per task, and hands each result to {@code g} on the calling thread; see
   * {@link #iterStream(IterOptions, int, SerializableFunction, Consumer, Stream)}.
   *
   * @param nproc the number of workers, at least 1
   * @param f the function, run in the workers
   * @param g the consumer of results, run on the calling thread; empty for an element that
   *     failed (or whose result was {@code null})
   * @param input the elements; closed at the end
   * @param <A> the element type
   * @param <B> the result type
   */
  public static <A, B> void iterStream(int nproc, SerializableFunction<A, B> f, Consumer<Optional<B>> g,
                                       Stream<A> input) {
    iterStream(IterOptions.defaults(), nproc, f, g, input);
  }

  /**
   * Applies {@code f} to every element of {@code input} in a new pool of {@code nproc} workers
   * and hands each result to {@code g} on the calling thread; blocks until every result has been
   * handed over, then closes the pool (waiting for its workers to exit) and the input.
   *
   * <p>{@code g} is never called concurrently with itself. An exception thrown by {@code g} is
   * logged and the iteration goes on; an {@link Error} stops it. If the iteration stops early
   * (an exception from the input, an error, an interrupt) the pool is terminated instead of
   * closed, and the exception is rethrown.
   *
   * @param options granularity, order, pool options, progress
   * @param nproc the number of workers, at least 1
   * @param f the function, run in the workers
   * @param g the consumer of results, run on the calling thread; empty for an element that
   *     failed (or whose result was {@code null})
   * @param input the elements; closed at the end
   * @param <A> the element type
   * @param <B> the result type
   * @throws IllegalArgumentException if {@code f} or an element cannot be serialized
   * @throws CancellationException if the calling thread is interrupted (its interrupt flag is set again)
   */
  public static <A, B> void iterStream(IterOptions options, int nproc, SerializableFunction<A, B> f,
                                       Consumer<Optional<B>> g, Stream<A> input) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(g, "g");
    Objects.requireNonNull(input, "input");
    try (input) {
      Pool pool = Pool.create(nproc, effectivePoolOptions(options));
      ChunkFunction<A, B> task = new ChunkFunction<>(f);
      drive(options, nproc, input, chunk -> pool.call(task, ChunkFunction.argument(chunk)), g,
          pool::close,
          () -> {
            pool.terminate();
            awaitQuietly(pool.whenClosed());
          });
    }
  }

  /**
   * Applies {@code f}, with a service and an environment, to every element of {@code input} in
   * a new Full-mode pool of {@code nproc} workers, and hands each result to {@code g} on the
   * calling thread; otherwise as
   * {@link #iterStream(IterOptions, int, SerializableFunction, Consumer, Stream)}.
   *
   * @param options granularity, order, pool options, progress
   * @param nproc the number of workers, at least 1
   * @param serv the master's service function, answering the tasks' requests
   * @param env the environment, sent once to each worker and shared by its tasks
   * @param f the function, run in the workers
   * @param g the consumer of results, run on the calling thread
   * @param input the elements; closed at the end
   * @param <Q> the request type
   * @param <R> the answer type
   * @param <E> the environment type
   * @param <A> the element type
   * @param <B> the result type
   * @throws IllegalArgumentException if {@code env}, {@code f} or an element cannot be serialized
   * @throws CancellationException if the calling thread is interrupted (its interrupt flag is set again)
   */
  public static <Q, R, E, A, B> void iterStream(IterOptions options, int nproc, Function<Q, CompletionStage<R>> serv,
                                                E env, FullFunction<Q, R, E, A, B> f, Consumer<Optional<B>> g,
                                                Stream<A> input) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(serv, "serv");
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(g, "g");
    Objects.requireNonNull(input, "input");
    try (input) {
      FullPool<Q, R, E> pool = FullPool.create(nproc, serv, env, effectivePoolOptions(options));
      FullChunkFunction<Q, R, E, A, B> task = new FullChunkFunction<>(f);
      drive(options, nproc, input, chunk -> pool.call(task, ChunkFunction.argument(chunk)), g,
          pool::close,
          () -> {
            pool.terminate();
            awaitQuietly(pool.whenClosed());
          });
    }
  }

  /**
   * Applies {@code f} to every element of {@code input} on an existing pool (local, or a cluster
   * pool), and hands each result to {@code g} on the calling thread; otherwise as
   * {@link #iterStream(IterOptions, int, SerializableFunction, Consumer, Stream)}, with a window
   * of {@link #WINDOW_PER_WORKER}{@code  × pool.size() × granularity} elements. The pool is left
   * open, whatever happens: if the iteration stops early, the chunks it still has in the pool are
   * cancelled. The options' {@code init} and {@code poolOptions} have no meaning here and are
   * rejected.
   *
   * @param options granularity, order, progress, error log
   * @param pool the pool, left open
   * @param f the function, run in the workers
   * @param g the consumer of results, run on the calling thread
   * @param input the elements; closed at the end
   * @param <A> the element type
   * @param <B> the result type
   * @throws IllegalArgumentException if {@code options} has an {@code init} or {@code poolOptions},
   *     or {@code f} or an element cannot be serialized
   * @throws CancellationException if the calling thread is interrupted (its interrupt flag is set again)
   */
  public static <A, B> void iterStream(IterOptions options, Pool pool, SerializableFunction<A, B> f,
                                       Consumer<Optional<B>> g, Stream<A> input) {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(f, "f");
    onExistingPool(options, g, input);
    try (input) {
      ChunkFunction<A, B> task = new ChunkFunction<>(f);
      drive(options, pool.size(), input, chunk -> pool.call(task, chunk), g, () -> { }, () -> { });
    }
  }

  /**
   * Applies {@code f}, with the pool's service and environment, to every element of
   * {@code input} on an existing Full pool (local, or a cluster pool); otherwise as
   * {@link #iterStream(IterOptions, Pool, SerializableFunction, Consumer, Stream)}. The pool is
   * left open.
   *
   * @param options granularity, order, progress, error log
   * @param pool the pool, left open
   * @param f the function, run in the workers
   * @param g the consumer of results, run on the calling thread
   * @param input the elements; closed at the end
   * @param <Q> the request type
   * @param <R> the answer type
   * @param <E> the environment type
   * @param <A> the element type
   * @param <B> the result type
   * @throws IllegalArgumentException if {@code options} has an {@code init} or {@code poolOptions},
   *     or {@code f} or an element cannot be serialized
   * @throws CancellationException if the calling thread is interrupted (its interrupt flag is set again)
   */
  public static <Q, R, E, A, B> void iterStream(IterOptions options, FullPool<Q, R, E> pool,
                                                FullFunction<Q, R, E, A, B> f, Consumer<Optional<B>> g,
                                                Stream<A> input) {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(f, "f");
    onExistingPool(options, g, input);
    try (input) {
      FullChunkFunction<Q, R, E, A, B> task = new FullChunkFunction<>(f);
      drive(options, pool.size(), input, chunk -> pool.call(task, chunk), g, () -> { }, () -> { });
    }
  }

  private static void onExistingPool(IterOptions options, Consumer<?> g, Stream<?> input) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(g, "g");
    Objects.requireNonNull(input, "input");
    if (options.init() != null || options.poolOptions() != null) {
      throw new IllegalArgumentException("iterStream on an existing pool: IterOptions.init and IterOptions.poolOptions"
          + " are not allowed (they are the pool's own settings)");
    }
  }

  /**
   * Returns a lazy stream of the results of {@code f} applied to each element of {@code input}
   * on an existing pool. Nothing is submitted until the returned stream is consumed; from then
   * on, at most {@link #WINDOW_PER_WORKER}{@code  × pool.size() × granularity} elements are
   * pulled from {@code input} and not yet handed over.
   *
   * <p>Closing the returned stream closes {@code input}. Closing it, or short-circuiting it
   * ({@code limit}, {@code findFirst}, ...), stops pulling the input and leaves the pool open
   * and usable: chunks already submitted finish and their results are dropped. Results come in
   * completion order unless {@link IterOptions#ordered()}. A failed element is an empty
   * {@code Optional}, logged as with {@code iterStream}. The options' {@code init} and
   * {@code poolOptions} have no meaning here and are rejected.
   *
   * <p>The returned stream is sequential and, like any stream, meant for one thread. If the
   * consuming thread is interrupted while waiting for a result, the stream throws
   * {@link CancellationException} and sets the interrupt flag again.
   *
   * @param pool the pool, left open
   * @param f the function, run in the workers
   * @param input the elements
   * @param options granularity, order, progress, error log
   * @param <A> the element type
   * @param <B> the result type
   * @return the stream of results
   * @throws IllegalArgumentException if {@code options} has an {@code init} or {@code poolOptions}
   */
  public static <A, B> Stream<Optional<B>> map(Pool pool, SerializableFunction<A, B> f, Stream<A> input,
                                               IterOptions options) {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(options, "options");
    if (options.init() != null || options.poolOptions() != null) {
      throw new IllegalArgumentException(
          "IterStream.map runs on an existing pool: IterOptions.init and IterOptions.poolOptions are not allowed");
    }
    ChunkFunction<A, B> task = new ChunkFunction<>(f);
    ChunkPipeline<A, B> pipeline = new ChunkPipeline<>(input.iterator(),
        chunk -> pool.call(task, ChunkFunction.argument(chunk)), options.granularity(),
        WINDOW_PER_WORKER * pool.size(), options.windowBytes(), options.ordered(), errorLog(options),
        progressSink(options), "IterStream.map");
    ResultSpliterator<B> results = new ResultSpliterator<>(pipeline, options.ordered());
    // A stream abandoned unclosed (map(...).limit(n).toList(), say) cancels its chunks when it is
    // collected: the action holds the pipeline, never the spliterator.
    CLEANER.register(results, pipeline::close);
    return StreamSupport.stream(results, false)
        .onClose(pipeline::close)
        .onClose(input::close);
  }

  private static final Cleaner CLEANER = Cleaner.create(runnable -> {
    Thread t = new Thread(runnable, "nproc-iterstream-cleaner");
    t.setDaemon(true);
    return t;
  });

  /**
   * Hands the pipeline's chunks out one element at a time; for {@link #map}. A throw from the
   * stage downstream (the caller's) closes the pipeline, which cancels the chunks in the pool.
   */
  private static final class ResultSpliterator<B> implements Spliterator<Optional<B>> {
    private final ChunkPipeline<?, B> pipeline;
    private final int characteristics;
    private List<Optional<B>> chunk = Collections.emptyList();
    private int next;
    private boolean ended;

    ResultSpliterator(ChunkPipeline<?, B> pipeline, boolean ordered) {
      this.pipeline = pipeline;
      this.characteristics = ordered ? Spliterator.ORDERED : 0;
    }

    @Override
    public boolean tryAdvance(Consumer<? super Optional<B>> action) {
      if (!hasNext()) {
        return false;
      }
      Optional<B> value = chunk.get(next++);
      try {
        action.accept(value);
      } catch (RuntimeException | Error e) {
        pipeline.close();
        throw e;
      }
      return true;
    }

    private boolean hasNext() {
      while (next == chunk.size()) {
        if (ended) {
          return false;
        }
        if (!chunk.isEmpty()) {
          pipeline.reportProgress();
        }
        try {
          List<Optional<B>> c = pipeline.nextChunk();
          if (c == null) {
            ended = true;
            chunk = Collections.emptyList();
            next = 0;
            pipeline.reportProgress();
            return false;
          }
          chunk = c;
          next = 0;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          pipeline.close();
          ended = true;
          throw new CancellationException("interrupted while waiting for a result");
        }
      }
      return true;
    }

    @Override
    public Spliterator<Optional<B>> trySplit() {
      return null;
    }

    @Override
    public long estimateSize() {
      return Long.MAX_VALUE;
    }

    @Override
    public int characteristics() {
      return characteristics;
    }
  }

  /** Runs an iteration to its end on the calling thread, then closes the pool, or terminates it on failure. */
  private static <A, B> void drive(IterOptions options, int nproc, Stream<A> input,
                                   Function<ArrayList<A>, CompletableFuture<Object>> submit,
                                   Consumer<Optional<B>> g, Runnable close, Runnable terminate) {
    boolean finished = false;
    try {
      ChunkPipeline<A, B> pipeline = new ChunkPipeline<>(input.iterator(), submit, options.granularity(),
          WINDOW_PER_WORKER * nproc, options.windowBytes(), options.ordered(), errorLog(options),
          progressSink(options), "iterStream");
      try {
        for (List<Optional<B>> chunk = pipeline.nextChunk(); chunk != null; chunk = pipeline.nextChunk()) {
          for (Optional<B> r : chunk) {
            try {
              g.accept(r);
            } catch (RuntimeException e) {
              pipeline.logException("g threw; the iteration goes on", e);
            }
          }
          pipeline.reportProgress();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("iterStream was interrupted");
      } finally {
        pipeline.close();
      }
      finished = true;
    } finally {
      if (finished) {
        close.run();
      } else {
        terminate.run();
      }
    }
  }

  private static PoolOptions effectivePoolOptions(IterOptions options) {
    if (options.init() == null) {
      return options.poolOptions() == null ? PoolOptions.defaults() : options.poolOptions();
    }
    // IterOptions.build() has already refused pool options that carry an init of their own.
    PoolOptions base = options.poolOptions() == null ? PoolOptions.defaults() : options.poolOptions();
    return base.toBuilder().init(options.init()).build();
  }

  /** The options' progress callback as the pipeline reports to it, or {@code null}. */
  private static ProgressSink progressSink(IterOptions options) {
    Consumer<IterProgress> progress = options.progress();
    return progress == null ? null
        : (done, failed, elapsed, rate) -> progress.accept(new IterProgress(done, failed, elapsed, rate));
  }

  private static Consumer<String> errorLog(IterOptions options) {
    if (options.errorLog() != null) {
      return options.errorLog();
    }
    if (options.poolOptions() != null) {
      return options.poolOptions().errorLog();
    }
    return ErrorSink.forLogger("dev.nproc.stream");
  }

  private static void awaitQuietly(CompletableFuture<Void> closed) {
    boolean interrupted = Thread.interrupted();
    try {
      closed.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort: the workers are being killed anyway
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
