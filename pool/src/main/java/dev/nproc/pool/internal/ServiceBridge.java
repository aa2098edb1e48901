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
 * <p>Thread-safe.
 */
final class ServiceBridge {
  private static final byte[] NONE = new byte[0];

  private final Function<Object, CompletionStage<Object>> serv;
  private final Codec codec;
  private final int maxMessageSize;

  /**
   * Creates the bridge.
   *
   * @param serv the service function, or {@code null} for a basic pool
   * @param codec the codec
   * @param maxMessageSize the largest frame body
   */
  @SuppressWarnings("unchecked")
  ServiceBridge(Function<?, ? extends CompletionStage<?>> serv, Codec codec, int maxMessageSize) {
    this.serv = (Function<Object, CompletionStage<Object>>) (Function<?, ?>) serv;
    this.codec = codec;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Serves one request; call it on a callback thread.
   *
   * @param request the request
   * @param worker the link to the worker that asked
   */
  void serve(ServiceRequest request, Link<WorkerBound, ?> worker) {
    long id = request.requestId();
    if (serv == null) {
      worker.send(new ServiceReply(id, NONE, "this pool has no service (use FullPool)"));
      return;
    }
    CompletionStage<Object> stage;
    try {
      Object q = codec.decode(request.request(), 0, request.request().length);
      stage = serv.apply(q);
      if (stage == null) {
        throw new NullPointerException("the service function returned null instead of a CompletionStage");
      }
    } catch (RuntimeException | Error e) {
      worker.send(new ServiceReply(id, NONE, "the master's service failed: " + describe(e)));
      return;
    }
    stage.whenComplete((answer, error) -> worker.send(reply(id, answer, error)));
  }

  private ServiceReply reply(long id, Object answer, Throwable error) {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      return new ServiceReply(id, NONE, "the master's service failed: " + describe(cause));
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
