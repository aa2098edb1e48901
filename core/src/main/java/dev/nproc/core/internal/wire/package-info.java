/**
 * The protocol between the master and a worker process; not API.
 *
 * <p>The master writes frames to the worker's stdin and the worker writes frames to its real
 * stdout. The subclasses of {@link dev.nproc.core.internal.wire.Message} are the protocol: each
 * {@link dev.nproc.core.internal.wire.MessageKind} has one, and its code is the byte that names
 * the message in a frame. A worker's first message is a
 * {@link dev.nproc.core.internal.wire.Hello} (a magic number and the protocol version); the
 * master's first message to a worker is an {@link dev.nproc.core.internal.wire.Init}. Messages
 * come in two families: {@link dev.nproc.core.internal.wire.MasterBound} (worker to master,
 * handled by a {@link dev.nproc.core.internal.wire.MasterInbox}) and
 * {@link dev.nproc.core.internal.wire.WorkerBound} (master to worker, handled by a
 * {@link dev.nproc.core.internal.wire.WorkerInbox}), one inbox method per kind.
 *
 * <p>The transport seam is {@link dev.nproc.core.internal.wire.Link}: send messages, receive
 * batches. {@link dev.nproc.core.internal.wire.StreamLink} implements it over any pair of streams,
 * for both ends.
 *
 * <p>A frame, as {@link dev.nproc.core.internal.wire.FrameWriter} writes it and
 * {@link dev.nproc.core.internal.wire.FrameReader} reads it (numbers are little-endian):
 * <pre>
 *   header (11 bytes)
 *     marker          2 bytes   FrameWriter.MARKER, 0x4E50 ("NP"): the bytes 0x50 0x4E
 *     length          4 bytes   body + payload, at most the pool's maxMessageSize
 *     kind            1 byte    MessageKind.code()
 *     payload length  4 bytes
 *   body              the message's fields, in a fixed binary order (Message.writeBody)
 *   payload           the argument, result or environment, as raw bytes (Message.payload())
 * </pre>
 * The functions, arguments, results, exceptions and environments that messages carry are bytes
 * made by the pool's {@link dev.nproc.core.Codec} (or a {@code byte[]} argument or result as it
 * is); this package never decodes them. A failure's kind travels as a
 * fixed code, not as the enum's ordinal. Anything that is not a well-formed frame is a
 * {@link dev.nproc.core.internal.wire.ProtocolException}. Every message prints as YAML
 * ({@code toString()}), for the trace on the logger {@code dev.nproc.wire} at DEBUG.
 *
 * <p>Threads: a {@code FrameWriter} and a {@code FrameReader} are each used by one thread at a
 * time. The master's {@code StreamLink} owns a sender thread that writes and flushes; any thread
 * may call its {@code send}, which never blocks. A worker's writes on the calling thread, under its
 * lock. A message is built or read on one thread and then
 * handed to another through a queue. A {@link dev.nproc.core.internal.wire.FunctionCache} is used
 * from one thread, or under one lock.
 */
package dev.nproc.core.internal.wire;
