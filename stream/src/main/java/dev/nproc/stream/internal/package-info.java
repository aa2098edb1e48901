/**
 * The machinery behind {@link dev.nproc.stream.IterStream}; not API.
 *
 * <p>In the master, {@link dev.nproc.stream.internal.ChunkPipeline} pulls the input in chunks,
 * submits each chunk as one pool task, keeps a bounded window of chunks in flight, and hands
 * the finished chunks back in completion or input order. Its methods are called by the one
 * thread that consumes the results. The pool's callback threads only add finished chunks to its
 * hand-off queue.
 *
 * <p>In a worker, the task of every chunk is one {@link dev.nproc.stream.internal.ChunkFunction}
 * (basic mode) or {@link dev.nproc.stream.internal.FullChunkFunction} (Full mode) per
 * iteration, so the pool sends it to each worker once. It runs the chunk's elements one after
 * another, through {@code ChunkRunner}, which catches each element's failure so that it fails
 * only that element. {@link dev.nproc.stream.internal.ChunkResult} is the chunk's outcome:
 * the worker builds it, and the master's consuming thread reads it.
 */
package dev.nproc.stream.internal;
