/**
 * The master's engine; not API. {@code PoolEngine} wires the parts under one lock and owns the
 * pool's lifecycle; its class comment draws the path of one task.
 * <ul>
 *   <li>{@code Dispatcher}: where each task is (queue, each worker's pipeline), pipelining,
 *       revoke, requeue on loss. No threads, clock or I/O.</li>
 *   <li>{@code Supervisor}: one state per worker slot, launches, backoff, crash loops and the
 *       timers that guard start-up, tasks and exits, on an injected {@code Scheduler}.</li>
 *   <li>{@code WorkerLauncher} and {@code WorkerConnection}: the seam "give me a connected
 *       worker"; {@code LocalJvmLauncher} starts child JVMs ({@code WorkerCommand},
 *       {@code ClassDataArchive}, {@code StderrPump}).</li>
 *   <li>{@code Inbox}: what the engine does with each message of a worker; {@code Outcomes} and
 *       {@code Delivery}: how answers complete futures ({@code submit}'s and {@code call}'s ways);
 *       {@code ServiceBridge}: Full mode's requests; {@code CallbackRunner}: the threads that run
 *       them; {@code FunctionRegistry}: functions encoded once.</li>
 * </ul>
 * Threads: callers of the public API; one reader thread per worker, which takes the lock once per
 * batch of frames; one timer thread (supervisor timers, relaunches); a sender thread per worker
 * (inside its link); callback threads. Nothing here imports {@code dev.nproc.pool}.
 */
package dev.nproc.pool.internal;
