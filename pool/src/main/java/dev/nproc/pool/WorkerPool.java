package dev.nproc.pool;

import java.util.concurrent.CompletableFuture;

/**
 * What every pool of worker processes has, whatever its tasks look like: its size, its
 * counters and its shutdown. {@link Pool} and {@link FullPool} add how tasks are submitted.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public interface WorkerPool extends AutoCloseable {
  /**
   * Stops accepting tasks, lets every submitted task finish, then lets the workers exit.
   * Idempotent.
   *
   * @return a future that completes once every worker has exited
   */
  CompletableFuture<Void> closeAsync();

  /** Closes the pool as {@link #closeAsync} does and waits until every worker has exited. */
  @Override
  void close();

  /**
   * Kills every worker now; every unfinished task's future is cancelled. Idempotent; does not
   * wait for the processes to be gone (see {@link #whenClosed}).
   */
  void terminate();

  /**
   * Returns a future that completes once the pool has shut down and every worker has exited.
   *
   * @return the future
   */
  CompletableFuture<Void> whenClosed();

  /**
   * Returns the number of workers.
   *
   * @return the pool's size
   */
  int size();

  /**
   * Returns a consistent snapshot of the pool's counters.
   *
   * @return the counters
   */
  PoolStats stats();
}
