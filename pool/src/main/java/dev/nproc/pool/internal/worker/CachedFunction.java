package dev.nproc.pool.internal.worker;

import dev.nproc.core.Codec;
import dev.nproc.core.CodecException;
import dev.nproc.core.internal.wire.FunctionCache;

/**
 * A function in the worker's cache: its bytes, decoded on first use, after which only the
 * decoded function is kept. Used by the task thread only.
 */
final class CachedFunction {
  private byte[] bytes;
  private final long missingId;
  private Object function;
  private CodecException error;

  CachedFunction(byte[] bytes) {
    this.bytes = bytes;
    this.missingId = FunctionCache.UNCACHED;
  }

  private CachedFunction(long missingId) {
    this.bytes = null;
    this.missingId = missingId;
  }

  /** A function the worker was told to hold but does not: using it fails the task. */
  static CachedFunction missing(long functionId) {
    return new CachedFunction(functionId);
  }

  Object get(Codec codec) {
    if (function != null) {
      return function;
    }
    if (error == null) {
      if (missingId != FunctionCache.UNCACHED) {
        error = new CodecException("the worker does not hold function " + missingId
            + " (nproc's function cache is out of step: a bug)", null, null);
      } else {
        try {
          function = codec.decode(bytes, 0, bytes.length);
          bytes = null;
          return function;
        } catch (CodecException e) {
          error = new CodecException("cannot load the task's function in the worker: " + e.getMessage(),
              e.culprit(), e);
        }
      }
    }
    throw error;
  }
}
