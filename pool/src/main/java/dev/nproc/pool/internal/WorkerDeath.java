package dev.nproc.pool.internal;

import dev.nproc.core.WorkerInfo;
import java.util.List;

/**
 * An unexpected end of a worker, as the engine reports it to {@code onWorkerFailure}.
 *
 * @param worker which worker
 * @param exitCode its exit code (128 + n for signal n)
 * @param signal the signal's name, or {@code null}
 * @param reason a description for people
 * @param lastOutput the worker's last lines of stderr (an unmodifiable list)
 */
public record WorkerDeath(WorkerInfo worker, int exitCode, String signal, String reason, List<String> lastOutput) {}
