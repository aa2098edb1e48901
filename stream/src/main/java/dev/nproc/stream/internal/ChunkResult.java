package dev.nproc.stream.internal;

import java.io.Serializable;

/**
 * What a worker sends back for one chunk: each element's result, and for each element that
 * failed, the text of its exception.
 *
 * <p>Not thread-safe, but only ever handed from the worker to the master and then read by one
 * thread.
 */
public final class ChunkResult implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Each element's result, {@code null} for an element that failed or returned {@code null}. */
  final Object[] values;
  /** For each element that failed, its exception as text; {@code null} where no element failed. */
  final String[] errors;

  ChunkResult(Object[] values, String[] errors) {
    this.values = values;
    this.errors = errors;
  }

  /**
   * Returns the number of elements in the chunk.
   *
   * @return the chunk's size
   */
  public int size() {
    return values.length;
  }

  /**
   * Returns the result of element {@code i}.
   *
   * @param i the element's index in the chunk
   * @return its result, {@code null} when it failed or returned {@code null}
   */
  public Object value(int i) {
    return values[i];
  }

  /**
   * Returns the failure of element {@code i}.
   *
   * @param i the element's index in the chunk
   * @return its exception as text, or {@code null} when it did not fail
   */
  public String error(int i) {
    return errors == null ? null : errors[i];
  }
}
