package dev.nproc.pool.internal;

/**
 * Time for the engine's decisions, passed in: a clock and a way to run something later. The
 * pool's is a scheduled executor ({@link #onThread}); the supervisor's and dispatcher's tests
 * pass a fake one that runs what is due when the test moves its clock, so timing logic is
 * tested without waiting.
 */
interface Scheduler {
  /** A scheduled run that can be called off. */
  interface Cancellable {
    /** Calls the run off, if it has not started. Idempotent. */
    void cancel();
  }

  /**
   * Returns the current time.
   *
   * @return nanoseconds from an arbitrary origin, as {@link System#nanoTime()}
   */
  long nanoTime();

  /**
   * Runs {@code action} after {@code delayNanos}, on the scheduler's thread.
   *
   * @param delayNanos the delay
   * @param action what to run
   * @return a handle to call it off
   */
  Cancellable schedule(long delayNanos, Runnable action);

  /**
   * Returns this scheduler with every action run through {@code runner}: how the engine runs each
   * timer under its lock.
   *
   * @param runner runs an action
   * @return the scheduler
   */
  default Scheduler around(java.util.function.Consumer<Runnable> runner) {
    Scheduler base = this;
    return new Scheduler() {
      @Override
      public long nanoTime() {
        return base.nanoTime();
      }

      @Override
      public Cancellable schedule(long delayNanos, Runnable action) {
        return base.schedule(delayNanos, () -> runner.accept(action));
      }
    };
  }

  /**
   * Returns a scheduler over an executor's thread and the system clock.
   *
   * @param executor the executor
   * @return the scheduler
   */
  static Scheduler onThread(java.util.concurrent.ScheduledExecutorService executor) {
    return new Scheduler() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Cancellable schedule(long delayNanos, Runnable action) {
        java.util.concurrent.ScheduledFuture<?> f =
            executor.schedule(action, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      }
    };
  }
}
