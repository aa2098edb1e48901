package dev.nproc.pool.internal;

/**
 * Gives the engine a connected worker: "start worker {@code generation} of slot {@code slot}".
 * Starting a local JVM ({@link LocalJvmLauncher}) is one implementation. Called by the engine
 * outside its lock, on its timer thread or on the thread that creates the pool.
 */
interface WorkerLauncher {
  /**
   * Starts a worker and connects to it. The worker then says HELLO on the link.
   *
   * @param slot the slot
   * @param generation the worker's generation in that slot
   * @return the connection
   * @throws LaunchException if no worker could be started; its message says why
   */
  WorkerConnection launch(int slot, int generation) throws LaunchException;

  /** A worker could not be started. */
  final class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why
     * @param cause the underlying failure
     */
    LaunchException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
