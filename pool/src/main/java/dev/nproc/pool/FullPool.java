package dev.nproc.pool;

import dev.nproc.core.FullFunction;
import dev.nproc.core.TaskFailedException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * A pool of Full mode: every worker holds an environment {@code E}, sent and decoded once per
 * worker and handed to each of its tasks, and a task can send requests {@code Q} to the master,
 * whose service function answers them with an {@code R}.
 *
 * <p>The environment is serialized once, when the pool is created, and sent to each worker as it
 * starts (again to a worker that replaces a dead one). Tasks on one worker share one instance,
 * one task at a time; treat it as read-only, since changes stay in that worker. The service
 * function runs on the master's callback threads, never on a thread that reads pipes, so a slow
 * answer delays only the task waiting for it.
 *
 * <p>Thread-safe: every method may be called from any thread.
 *
 * @param <Q> the type of the workers' requests
 * @param <R> the type of the master's answers
 * @param <E> the type of the environment
 */
public interface FullPool<Q, R, E> extends WorkerPool {
  /**
   * Starts a Full pool with default options and waits until its workers are ready.
   *
   * @param nproc the number of workers, at least 1
   * @param serv the master's service function; a failed stage makes the worker's request throw
   * @param env the environment, serialized once
   * @param <Q> the type of the workers' requests
   * @param <R> the type of the master's answers
   * @param <E> the type of the environment
   * @return the pool
   * @throws IllegalArgumentException if {@code env} cannot be serialized, naming the culprit class
   * @throws IllegalStateException if this JVM lacks flags nproc needs, or no worker could start
   */
  static <Q, R, E> FullPool<Q, R, E> create(int nproc, Function<Q, CompletionStage<R>> serv, E env) {
    return create(nproc, serv, env, PoolOptions.defaults());
  }

  /**
   * Starts a Full pool and waits until its workers are ready.
   *
   * @param nproc the number of workers, at least 1
   * @param serv the master's service function; a failed stage makes the worker's request throw
   * @param env the environment, serialized once
   * @param options the pool's options
   * @param <Q> the type of the workers' requests
   * @param <R> the type of the master's answers
   * @param <E> the type of the environment
   * @return the pool
   * @throws IllegalArgumentException if {@code env} cannot be serialized, naming the culprit class
   * @throws IllegalStateException if this JVM lacks flags nproc needs, or no worker could start
   */
  static <Q, R, E> FullPool<Q, R, E> create(int nproc, Function<Q, CompletionStage<R>> serv, E env,
                                            PoolOptions options) {
    return LocalPool.startFull(nproc, serv, env, options);
  }

  /**
   * Submits {@code f(serv, env, arg)}. Never blocks on I/O.  It waits only when the pool already holds
   * {@link PoolOptions.Builder#maxPendingTasks maxPendingTasks} unfinished tasks or
   * {@link PoolOptions.Builder#maxPendingBytes maxPendingBytes} of their arguments, until one
   * finishes: the bound that keeps the master's memory in check under a flood.
   *
   * @param f the function, run in a worker
   * @param arg its argument
   * @param <A> the argument type
   * @param <B> the result type
   * @return a future of the result, empty when the task failed (logged) or returned {@code null}
   * @throws IllegalArgumentException if {@code f} or {@code arg} cannot be serialized, naming the culprit class
   * @throws RejectedExecutionException after {@link #closeAsync} or {@link #terminate}
   */
  <A, B> CompletableFuture<Optional<B>> submit(FullFunction<Q, R, E, A, B> f, A arg);

  /**
   * Submits {@code f(serv, env, arg)}, reporting failure as a {@link TaskFailedException}.
   *
   * @param f the function, run in a worker
   * @param arg its argument
   * @param <A> the argument type
   * @param <B> the result type
   * @return a future of the result ({@code null} allowed)
   * @throws IllegalArgumentException if {@code f} or {@code arg} cannot be serialized, naming the culprit class
   * @throws RejectedExecutionException after {@link #closeAsync} or {@link #terminate}
   */
  <A, B> CompletableFuture<B> call(FullFunction<Q, R, E, A, B> f, A arg);
}
