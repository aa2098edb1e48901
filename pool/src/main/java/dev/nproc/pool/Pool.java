package dev.nproc.pool;

import dev.nproc.core.SerializableFunction;
import dev.nproc.core.TaskFailedException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * A fixed pool of child JVM worker processes that run serialized functions.
 *
 * <p>{@link #submit} serializes the function and its argument on the caller's thread, queues
 * the task and returns at once; a worker runs it and the future completes with the result. A
 * worker runs one task at a time. A worker that dies is replaced, and only the task it was
 * running fails. Callbacks on returned futures never run on the threads that read the pipes.
 *
 * <pre>{@code
 * try (Pool pool = Pool.create(2)) {
 *   CompletableFuture<Optional<Integer>> f = pool.submit(x -> x * x, 7);
 *   System.out.println(f.join().orElseThrow()); // 49
 * }
 * }</pre>
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public interface Pool extends WorkerPool {
  /**
   * Starts a pool of {@code nproc} workers with the default options and waits until they are ready.
   *
   * @param nproc the number of workers, at least 1
   * @return the pool
   * @throws IllegalStateException if this JVM lacks flags nproc needs (the message lists them), or no worker could start
   */
  static Pool create(int nproc) {
    return create(nproc, PoolOptions.defaults());
  }

  /**
   * Starts a pool of {@code nproc} workers and waits until they are ready.
   *
   * @param nproc the number of workers, at least 1
   * @param options the pool's options
   * @return the pool
   * @throws IllegalStateException if this JVM lacks flags nproc needs (the message lists them), or no worker could start
   */
  static Pool create(int nproc, PoolOptions options) {
    return LocalPool.start(nproc, options);
  }

  /**
   * Submits {@code f(arg)} to the pool. Never blocks on I/O.  It waits only when the pool already holds
   * {@link PoolOptions.Builder#maxPendingTasks maxPendingTasks} unfinished tasks or
   * {@link PoolOptions.Builder#maxPendingBytes maxPendingBytes} of their arguments, until one
   * finishes: the bound that keeps the master's memory in check under a flood.
   *
   * @param f the function, run in a worker
   * @param arg its argument
   * @param <A> the argument type
   * @param <B> the result type
   * @return a future of the result, empty when the task failed (the failure is on the error log)
   *     or returned {@code null}; cancelled if the pool is terminated first
   * @throws IllegalArgumentException if {@code f} or {@code arg} cannot be serialized, naming the culprit class
   * @throws RejectedExecutionException after {@link #closeAsync} or {@link #terminate}
   */
  <A, B> CompletableFuture<Optional<B>> submit(SerializableFunction<A, B> f, A arg);

  /**
   * Submits {@code f(arg)} to the pool, like {@link #submit}, but reports failure as an exception.
   *
   * @param f the function, run in a worker
   * @param arg its argument
   * @param <A> the argument type
   * @param <B> the result type
   * @return a future of the result ({@code null} allowed), failed with a {@link TaskFailedException}
   *     when the task failed; cancelled if the pool is terminated first
   * @throws IllegalArgumentException if {@code f} or {@code arg} cannot be serialized, naming the culprit class
   * @throws RejectedExecutionException after {@link #closeAsync} or {@link #terminate}
   */
  <A, B> CompletableFuture<B> call(SerializableFunction<A, B> f, A arg);
}
