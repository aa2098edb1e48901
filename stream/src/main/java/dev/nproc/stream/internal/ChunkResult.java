package dev.nproc.stream.internal;

import java.io.Serializable;
import java.util.ArrayList;

/**
 * The outcome of one chunk: each element's result, and for each element that failed, the text
 * of its exception.
 *
 * <p>On the wire a chunk in which no element failed, the common case, is just the
 * {@code ArrayList} of its values, which the default codec writes directly, without FST; a chunk
 * of one element whose result is a {@code byte[]} is that array alone, which the pool sends as
 * it is, without the codec or a copy; only a chunk with a failed element travels as a
 * {@code ChunkResult}. {@link #wire} makes that choice
 * in the worker and {@link #read} undoes it in the master; nothing else needs to know.
 *
 * <p>Not thread-safe, but only ever handed from the worker to the master and then read by one
 * thread.
 */
public final class ChunkResult implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Each element's result, {@code null} for an element that failed or returned {@code null}. */
  private final ArrayList<?> values;
  /** For each element that failed, its exception as text; {@code null} where no element failed. */
  private final String[] errors;

  private ChunkResult(ArrayList<?> values, String[] errors) {
    this.values = values;
    this.errors = errors;
  }

  /**
   * Returns what a worker sends for a chunk: its one {@code byte[]} result alone, or
   * {@code values} itself when no element failed, else a {@code ChunkResult} holding both.
   *
   * @param values each element's result, {@code null} for one that failed
   * @param errors each failed element's exception as text, or {@code null} if none failed
   * @return the chunk's outcome in its wire form
   */
  static Object wire(ArrayList<Object> values, String[] errors) {
    if (errors == null && values.size() == 1 && values.get(0) instanceof byte[] bytes) {
      return bytes; // travels as it is, without the codec or a copy
    }
    return errors == null ? values : new ChunkResult(values, errors);
  }

  /**
   * Reads what a worker sent for a chunk.
   *
   * @param wire a chunk's outcome in the form {@link #wire} gives it
   * @return the outcome, or {@code null} if {@code wire} is not one
   */
  static ChunkResult read(Object wire) {
    if (wire instanceof byte[] bytes) {
      ArrayList<Object> values = new ArrayList<>(1);
      values.add(bytes);
      return new ChunkResult(values, null);
    }
    if (wire instanceof ArrayList<?> values) {
      return new ChunkResult(values, null);
    }
    if (wire instanceof ChunkResult result && result.values != null
        && (result.errors == null || result.errors.length == result.values.size())) {
      return result;
    }
    return null;
  }

  /**
   * Returns the number of elements in the chunk.
   *
   * @return the chunk's size
   */
  public int size() {
    return values.size();
  }

  /**
   * Returns the result of element {@code i}.
   *
   * @param i the element's index in the chunk
   * @return its result, {@code null} when it failed or returned {@code null}
   */
  public Object value(int i) {
    return values.get(i);
  }

  /**
   * Returns an estimate of the bytes its values and error texts take ({@link ByteEstimate}).
   *
   * @return the estimate
   */
  long estimatedBytes() {
    long bytes = ByteEstimate.ofAll(values);
    if (errors != null) {
      for (String e : errors) {
        bytes += e == null ? 0 : e.length();
      }
    }
    return bytes;
  }

  /**
   * Returns whether some element of the chunk failed.
   *
   * @return {@code false} if {@link #error} is {@code null} for every element
   */
  public boolean anyFailed() {
    return errors != null;
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
