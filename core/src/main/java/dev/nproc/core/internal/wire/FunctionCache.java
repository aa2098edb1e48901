package dev.nproc.core.internal.wire;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bounded cache of functions a worker holds, by function id. The master keeps a twin of
 * each worker's cache (ids and sizes only) and updates it in the order it sends tasks, which is
 * the order the worker receives them; both sides make the same {@link #lookUp} and
 * {@link #store} calls in the same order, with the same sizes (the encoded function's length),
 * on an LRU with the same bounds, so they agree on what the worker holds without ever asking.
 *
 * <p>Bounds: at most {@link #CAPACITY} functions and {@link #MAX_BYTES} bytes of encoded
 * functions, evicting the least recently used first; the function stored last is kept whatever
 * its size. A function with id {@link #UNCACHED} is never stored.
 *
 * <p>Not thread-safe: each side uses its cache from one thread or under one lock.
 *
 * @param <V> what is kept per function
 */
public final class FunctionCache<V> {
  /** How many functions a worker keeps. */
  public static final int CAPACITY = 256;
  /** How many bytes of encoded functions a worker keeps, the last one stored aside: 256 MiB. */
  public static final long MAX_BYTES = 256L << 20;
  /** An id that is never stored: a function with it is sent with every task. */
  public static final long UNCACHED = 0;

  private record Entry<V>(V value, long size) {}

  private final LinkedHashMap<Long, Entry<V>> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  /** Creates an empty cache. */
  public FunctionCache() {}

  /**
   * Looks a function up, marking it as recently used.
   *
   * @param functionId the id
   * @return what is kept for it, or {@code null} if the cache does not hold it
   */
  public V lookUp(long functionId) {
    if (functionId == UNCACHED) {
      return null;
    }
    Entry<V> e = entries.get(functionId);
    return e == null ? null : e.value();
  }

  /**
   * Stores a function, possibly evicting the least recently used ones.
   *
   * @param functionId the id; {@link #UNCACHED} stores nothing
   * @param value what to keep
   * @param size the encoded function's length in bytes
   */
  public void store(long functionId, V value, long size) {
    if (functionId == UNCACHED) {
      return;
    }
    Entry<V> old = entries.put(functionId, new Entry<>(value, size));
    bytes += size - (old == null ? 0 : old.size());
    Iterator<Entry<V>> it = entries.values().iterator();
    while ((entries.size() > CAPACITY || bytes > MAX_BYTES) && entries.size() > 1) {
      bytes -= it.next().size();
      it.remove();
    }
  }

  /**
   * Returns the bytes of the encoded functions held.
   *
   * @return the bytes held
   */
  public long bytes() {
    return bytes;
  }
}
