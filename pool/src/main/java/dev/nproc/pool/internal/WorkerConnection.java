package dev.nproc.pool.internal;

import dev.nproc.core.internal.wire.Link;
import dev.nproc.core.internal.wire.MasterBound;
import dev.nproc.core.internal.wire.WorkerBound;
import java.time.Duration;
import java.util.List;

/**
 * A connected worker, as the engine sees it: a {@link Link} to talk to it, and a way to end it
 * and learn how it ended. Nothing above this interface knows whether the worker is a local
 * process ({@link LocalJvmLauncher}) or something else.
 *
 * <p>Threads: {@link #kill} from any thread, never blocking; {@link #awaitExit} once, by the
 * engine, after the link's input ended or the worker was seen gone ({@link #onExit}).
 */
interface WorkerConnection {
  /** How a worker ended: its exit code (128 + n for signal n) and its last lines of output. */
  record Exit(int code, List<String> lastOutput) {}

  /** @return the link to the worker */
  Link<WorkerBound, MasterBound> link();

  /** @return the worker's process id, for messages and {@code WorkerInfo} */
  long pid();

  /** Ends the worker now, and what it started. Never blocks. */
  void kill();

  /**
   * Runs {@code action} once the worker is gone, on some thread of the implementation's: how its
   * death is known even when something else still holds its output open (a process its task
   * started), so that its link's input never ends.
   *
   * @param action what to run
   */
  void onExit(Runnable action);

  /**
   * Waits for the worker to be gone, ending it if it lingers once its output has ended.
   *
   * @param orderly whether its output ended cleanly after it answered at least one task: an
   *     implementation may keep what such a worker leaves behind (a class-data archive)
   * @return how it ended
   */
  Exit awaitExit(boolean orderly);

  /** @return how long the worker may take to exit once told to */
  Duration exitGrace();
}
