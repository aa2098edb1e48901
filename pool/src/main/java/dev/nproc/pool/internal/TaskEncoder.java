package dev.nproc.pool.internal;

import dev.nproc.core.Codec;
import dev.nproc.core.CodecException;
import dev.nproc.core.internal.wire.FrameWriter;

/**
 * What a caller's thread does for a task before it is queued: encodes its function (once per
 * function object, {@link FunctionRegistry}) and its argument, and checks that both
 * fit in a frame. A failure here is the caller's: an {@link IllegalArgumentException} that names
 * what cannot travel. The outcome's twin is {@link Outcomes}.
 *
 * <p>Thread-safe: runs on the callers' threads, without the engine's lock.
 */
final class TaskEncoder {
  /** A task's encoded parts. */
  record Encoded(FunctionRegistry.Encoded function, byte[] argument, boolean rawArgument) {}

  private final FunctionRegistry functions;
  private final Codec codec;
  private final int maxMessageSize;

  TaskEncoder(Codec codec, int maxMessageSize, java.util.function.Consumer<String> warn) {
    this.functions = new FunctionRegistry(codec, FunctionRegistry.defaultMaxCachedBytes(), warn);
    this.codec = codec;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Encodes a task.
   *
   * @param f the function
   * @param arg the argument
   * @return the encoded parts
   * @throws IllegalArgumentException if either cannot be serialized, or they are too large together
   */
  Encoded encode(Object f, Object arg) {
    FunctionRegistry.Encoded function;
    try {
      function = functions.encode(f);
    } catch (CodecException e) {
      throw new IllegalArgumentException("the task's function cannot be serialized: " + e.getMessage(), e);
    }
    // A byte[] travels as it is, without the codec: copied here, so that the task sees the array
    // as it was at submit even if the caller reuses it, and then never copied again.
    boolean rawArgument = arg instanceof byte[];
    byte[] argument;
    try {
      argument = rawArgument ? ((byte[]) arg).clone() : codec.encode(arg);
    } catch (CodecException e) {
      throw new IllegalArgumentException("the task's argument cannot be serialized: " + e.getMessage(), e);
    }
    long size = (long) function.bytes().length + argument.length;
    if (!FrameWriter.fits(size, maxMessageSize)) {
      throw new IllegalArgumentException("the task's function and argument take " + (size
          + FrameWriter.ENVELOPE_ALLOWANCE) + " bytes, more than maxMessageSize (" + maxMessageSize + " bytes)");
    }
    return new Encoded(function, argument, rawArgument);
  }
}
