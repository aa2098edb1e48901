package dev.nproc.core;

import java.io.Serializable;

/**
 * A consumer that can be serialized and run in a worker process, such as a worker's
 * initialisation hook.
 *
 * @param <T> the type of the value consumed
 */
@FunctionalInterface
public interface SerializableConsumer<T> extends Serializable {
  /**
   * Consumes a value in a worker.
   *
   * @param t the value
   * @throws Exception anything; where the consumer is a worker's {@code init}, the worker fails
   */
  void accept(T t) throws Exception;
}
