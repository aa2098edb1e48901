package dev.nproc.pool;

/**
 * A snapshot of a pool's counters, taken at once under the pool's lock so the numbers agree.
 *
 * <p>Immutable and thread-safe.
 *
 * @param submitted tasks accepted by {@code submit} or {@code call} since the pool was created
 * @param completed tasks that produced a result
 * @param failed tasks that ended without a result (threw, result not serializable, worker died, timed out, not run)
 * @param cancelled tasks whose future was cancelled before they completed (by its caller's
 *     {@code cancel}, or by {@code terminate}), each counted once
 * @param inFlight tasks sent to a worker and not answered yet (a cancelled task no longer counts)
 * @param queued tasks waiting in the master for a worker
 * @param workerRestarts workers started to replace one that died or was recycled
 */
public record PoolStats(long submitted, long completed, long failed, long cancelled, int inFlight, int queued,
                        long workerRestarts) {}
