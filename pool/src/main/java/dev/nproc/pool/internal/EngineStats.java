package dev.nproc.pool.internal;

/**
 * A consistent snapshot of the engine's counters, taken under its lock.
 *
 * @param submitted tasks accepted
 * @param completed tasks that produced a result
 * @param failed tasks that failed
 * @param cancelled tasks cancelled (by their caller while queued, or by terminate)
 * @param inFlight tasks held by workers
 * @param queued tasks waiting for a worker
 * @param workerRestarts workers started after the first generation
 */
public record EngineStats(long submitted, long completed, long failed, long cancelled, int inFlight, int queued,
                          long workerRestarts) {}
