/**
 * The worker process; not API. {@code WorkerMain} is its bootstrap (stdout kept for frames,
 * the parent watch, the codec, the link, HELLO); {@code WorkerLoop} is its loop: the main thread
 * reads the master's messages and sorts them, the task thread runs tasks one at a time, and each
 * thread writes its own frames.
 */
package dev.nproc.pool.internal.worker;
