package dev.nproc.stream.internal;

import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;

/**
 * An estimate of the bytes a value takes, for the iteration's byte window: the length of the
 * arrays and strings it is or, for a collection, holds (one level deep); any other object counts
 * {@link #OBJECT} bytes. Cheap: no reflection, no graph walk.
 *
 * <p>Stateless and thread-safe.
 */
final class ByteEstimate {
  /** What an object that is neither an array, a string nor a collection counts. */
  static final long OBJECT = 16;

  private ByteEstimate() {}

  /** Estimates one value. */
  static long of(Object value) {
    if (value == null) {
      return 0;
    }
    if (value instanceof byte[] b) {
      return b.length;
    }
    if (value instanceof String s) {
      return s.length();
    }
    if (value instanceof int[] a) {
      return 4L * a.length;
    }
    if (value instanceof long[] a) {
      return 8L * a.length;
    }
    if (value instanceof double[] a) {
      return 8L * a.length;
    }
    if (value instanceof Object[] a) {
      return 8L * a.length + OBJECT;
    }
    if (value instanceof Collection<?> c) {
      return ofAll(c);
    }
    return OBJECT;
  }

  /** Estimates the elements of a collection, each as {@link #of} would, without going deeper. */
  static long ofAll(Collection<?> values) {
    long sum = 0;
    if (values instanceof List<?> list && values instanceof RandomAccess) {
      for (int i = 0, n = list.size(); i < n; i++) {
        sum += shallow(list.get(i));
      }
    } else {
      for (Object v : values) {
        sum += shallow(v);
      }
    }
    return sum;
  }

  private static long shallow(Object v) {
    return v instanceof Collection<?> ? OBJECT : of(v);
  }
}
