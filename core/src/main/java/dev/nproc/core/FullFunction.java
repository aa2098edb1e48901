package dev.nproc.core;

import java.io.Serializable;

/**
 * A task of Full mode: a function that runs in a worker with the worker's shared environment
 * and a {@link Service} through which it can ask the master for things.
 *
 * @param <Q> the type of requests to the master
 * @param <R> the type of the master's answers
 * @param <E> the type of the environment shared by every task of a worker (treat it as read-only)
 * @param <A> the argument type
 * @param <B> the result type
 */
@FunctionalInterface
public interface FullFunction<Q, R, E, A, B> extends Serializable {
  /**
   * Applies this function in a worker.
   *
   * @param serv the service through which the task may send requests to the master
   * @param env the worker's environment, the same instance for every task on that worker
   * @param arg the argument
   * @return the result, serialized back to the master; {@code null} is allowed
   * @throws Exception anything; it fails the task and travels back to the master
   */
  B apply(Service<Q, R> serv, E env, A arg) throws Exception;
}
