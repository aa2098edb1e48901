package dev.nproc.core;

import java.io.Serializable;

/**
 * A function that can be serialized, sent to a worker process and applied there.
 *
 * <p>A lambda whose target type is this interface is serializable as long as everything it
 * captures is. Implementations are used by one thread at a time in each worker.
 *
 * @param <A> the argument type
 * @param <B> the result type
 */
@FunctionalInterface
public interface SerializableFunction<A, B> extends Serializable {
  /**
   * Applies this function in a worker.
   *
   * @param a the argument, as deserialized in the worker
   * @return the result, serialized back to the master; {@code null} is allowed
   * @throws Exception anything; it fails the task and travels back to the master
   */
  B apply(A a) throws Exception;
}
