package dev.nproc.core;

import java.io.Serializable;

/**
 * Who a worker is: handed to a pool's {@code init} hook in each worker and to failure reports.
 *
 * <p>Immutable and thread-safe.
 *
 * @param workerId the worker's slot in the pool, {@code 0 .. nproc-1}; a respawned worker keeps it
 * @param pid the worker's operating-system process id
 * @param generation how many times the slot's worker has been replaced, {@code 0} for the first
 */
public record WorkerInfo(int workerId, long pid, int generation) implements Serializable {}
