package dev.nproc.pool.internal;

import dev.nproc.core.Codec;
import dev.nproc.core.CodecException;
import dev.nproc.core.internal.wire.FrameWriter;
import dev.nproc.core.internal.wire.Link;
import dev.nproc.core.internal.wire.ServiceReply;
import dev.nproc.core.internal.wire.ServiceRequest;
import dev.nproc.core.internal.wire.WorkerBound;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Full mode's way back: a worker's {@code serv.request(q)} reaches the master's service function
 * and its answer, or its failure, goes back to that worker. The request is decoded and the
 * function called on a callback thread; the answer is sent from whatever thread completes the
 * function's {@code CompletionStage}. A failure of any step becomes an error reply, so the
 * worker's {@code request} throws and the pool goes on.
 *
 * <p>A pool that runs pre-encoded tasks for someone else ({@link EncodedPool}, a cluster node)
 * has a pass-through bridge: it neither decodes the request nor encodes the answer, which come
 * and go as bytes, and the error text of a failed answer is passed on as it is.
 *
 * <p>Thread-safe.
 */
final class ServiceBridge {
  private static final byte[] NONE = new byte[0];

  private final Function<Object, CompletionStage<Object>> serv;
  private final Codec codec;
  private final int maxMessageSize;
  private final boolean passThrough;

  /**
   * Creates the bridge.
   *
   * @param serv the service function, or {@code null} for a basic pool
   * @param codec the codec
   * @param maxMessageSize the largest frame body
   */
  ServiceBridge(Function<?, ? extends CompletionStage<?>> serv, Codec codec, int maxMessageSize) {
    this(serv, codec, maxMessageSize, false);
  }

  @SuppressWarnings("unchecked")
  private ServiceBridge(Function<?, ? extends CompletionStage<?>> serv, Codec codec, int maxMessageSize,
                        boolean passThrough) {
    this.serv = (Function<Object, CompletionStage<Object>>) (Function<?, ?>) serv;
    this.codec = codec;
    this.maxMessageSize = maxMessageSize;
    this.passThrough = passThrough;
  }

  /**
   * Creates a pass-through bridge: requests reach {@code serv} as bytes, its answers are the
   * bytes sent back, and the message of a failed answer is the worker's error text.
   *
   * @param serv the service, or {@code null} for a basic pool
   * @param maxMessageSize the largest frame body
   * @return the bridge
   */
  static ServiceBridge passThrough(Function<byte[], ? extends CompletionStage<byte[]>> serv, int maxMessageSize) {
    return new ServiceBridge(serv, null, maxMessageSize, true);
  }

  /**
   * Serves one request; call it on a callback thread.
   *
   * @param request the request
   * @param worker the link to the worker that asked
   */
  void serve(ServiceRequest request, Link<WorkerBound, ?> worker) {
    serve(request.requestId(), request.request(), worker::send);
  }

  /**
   * Serves one request and hands the reply to {@code reply}, on a callback thread or on the
   * thread that completes the service's answer.
   *
   * @param id the request's id
   * @param request the encoded request
   * @param reply where the reply goes
   */
  void serve(long id, byte[] request, java.util.function.Consumer<ServiceReply> reply) {
    if (serv == null) {
      reply.accept(new ServiceReply(id, NONE, "this pool has no service (use FullPool)"));
      return;
    }
    CompletionStage<Object> stage;
    try {
      Object q = passThrough ? request : codec.decode(request, 0, request.length);
      stage = serv.apply(q);
      if (stage == null) {
        throw new NullPointerException("the service function returned null instead of a CompletionStage");
      }
    } catch (RuntimeException | Error e) {
      reply.accept(new ServiceReply(id, NONE, "the master's service failed: " + describe(e)));
      return;
    }
    stage.whenComplete((answer, error) -> reply.accept(reply(id, answer, error)));
  }

  private ServiceReply reply(long id, Object answer, Throwable error) {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      return new ServiceReply(id, NONE, passThrough ? String.valueOf(cause.getMessage())
          : "the master's service failed: " + describe(cause));
    }
    if (passThrough) {
      return new ServiceReply(id, (byte[]) answer, null);
    }
    byte[] bytes;
    try {
      bytes = codec.encode(answer);
    } catch (CodecException e) {
      return new ServiceReply(id, NONE, "the service's answer cannot be serialized: " + e.getMessage());
    }
    if (!FrameWriter.fits(bytes.length, maxMessageSize)) {
      return new ServiceReply(id, NONE, "the service's answer takes " + bytes.length
          + " bytes, more than maxMessageSize (" + maxMessageSize + " bytes)");
    }
    return new ServiceReply(id, bytes, null);
  }

  private static String describe(Throwable t) {
    return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
