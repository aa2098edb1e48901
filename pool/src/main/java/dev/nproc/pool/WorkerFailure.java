package dev.nproc.pool;

import dev.nproc.core.WorkerInfo;
import java.util.List;

/**
 * A report of a worker's unexpected death, handed to {@link PoolOptions.Builder#onWorkerFailure}
 * once per death.
 *
 * <p>Immutable and thread-safe.
 *
 * @param worker which worker died
 * @param exitCode the process's exit code ({@code 128 + n} when killed by signal {@code n}), or -1 if unknown
 * @param signal the name of the signal that killed it, such as {@code "SIGKILL"}, or {@code null}
 * @param reason what happened, for people
 * @param lastStderr the last lines the worker wrote to its stderr, oldest first
 */
public record WorkerFailure(WorkerInfo worker, int exitCode, String signal, String reason, List<String> lastStderr) {
  /**
   * Creates a report, copying {@code lastStderr}.
   *
   * @param worker which worker died
   * @param exitCode the exit code or -1
   * @param signal the signal's name or {@code null}
   * @param reason what happened
   * @param lastStderr the last lines of stderr
   */
  public WorkerFailure {
    lastStderr = List.copyOf(lastStderr);
  }
}
