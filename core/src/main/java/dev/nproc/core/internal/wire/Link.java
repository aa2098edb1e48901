package dev.nproc.core.internal.wire;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * One end of a connection between a master and a worker, whatever carries it: it sends messages
 * one way and receives batches of messages the other way. The master holds a
 * {@code Link<WorkerBound, MasterBound>} to each worker; a worker holds a
 * {@code Link<MasterBound, WorkerBound>} to its master. {@link StreamLink} is the one
 * implementation over a pair of byte streams (a child process's pipes); a remote worker's
 * session is another natural one.
 *
 * <p>Threads: {@link #send} and {@link #close} may be called from any thread; {@link #receive}
 * is called once, by the one thread that reads.
 *
 * @param <O> the messages this end sends
 * @param <I> the messages this end receives
 */
public interface Link<O extends Message, I extends Message> {
  /**
   * Sends a message. Messages go out in the order of the calls. Whether this waits for the
   * transport is the implementation's to say: the master's links never block.
   *
   * @param message the message
   */
  void send(O message);

  /**
   * Reads until the other end closes, handing each batch of messages that arrived together to
   * {@code batches}, in order, on the calling thread. The list is the link's and is valid only
   * during the call. When a bad frame follows good ones, the good ones are handed over first.
   *
   * @param batches told of each batch
   * @throws ProtocolException if the other end sent something that is not the protocol
   * @throws IOException if the transport fails
   */
  void receive(Consumer<List<I>> batches) throws IOException;

  /** Sends what was sent before, then closes the sending side; later messages are dropped. */
  void close();
}
