/**
 * Parallel iteration over a {@link java.util.stream.Stream} on a pool of worker processes: OCaml
 * Nproc's {@code iter_stream}.
 *
 * <p>{@link dev.nproc.stream.IterStream} is the entry point: {@code iterStream} hands every
 * result to a consumer {@code g}, and {@code map} returns a lazy stream of the results. Each can
 * start a pool of its own or use one the caller owns, in basic or Full mode.
 * {@link dev.nproc.stream.IterOptions} sets the granularity (elements per task), the order of
 * delivery, the pool's options and a progress callback, which gets
 * {@link dev.nproc.stream.IterProgress} snapshots.
 *
 * <p>Threads: {@code iterStream} blocks its calling thread until every result has been handed
 * over. That thread alone pulls the input, submits the chunks, and calls {@code g} and the
 * progress callback, so neither runs concurrently with itself. For {@code map}, the thread that
 * consumes the returned stream plays that part. The pool's callback threads only hand finished
 * chunks to that thread. The function runs in the workers.
 */
package dev.nproc.stream;
