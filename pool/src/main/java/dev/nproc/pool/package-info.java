/**
 * The master's public API: {@link dev.nproc.pool.Pool} and {@link dev.nproc.pool.FullPool}, made by
 * their static {@code create} factories, configured by {@link dev.nproc.pool.PoolOptions}, and
 * reporting through {@link dev.nproc.pool.PoolStats} and {@link dev.nproc.pool.WorkerFailure}.
 *
 * <p>Every pool is thread-safe: any thread may submit, close, terminate or read its stats. Its
 * futures complete on the pool's callback threads, never on the threads that read the workers'
 * pipes, so a dependent stage that blocks delays nothing else. The engine behind the API lives in
 * {@code dev.nproc.pool.internal}, which never depends on this package; the package-private
 * {@code LocalPool} translates between the two.
 */
package dev.nproc.pool;
