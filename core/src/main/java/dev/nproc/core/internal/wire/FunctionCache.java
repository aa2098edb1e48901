package dev.nproc.core.internal.wire;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bounded cache of functions a worker holds, by function id. The master keeps a twin of
 * each worker's cache (ids only) and updates it in the order it sends tasks, which is the order
 * the worker receives them; both sides make the same {@link #lookUp} and {@link #store} calls
 * in the same order on an LRU of the same {@link #CAPACITY}, so they agree on what the worker
 * holds without ever asking. A function with id {@link #UNCACHED} is never stored.
 *
 * <p>Not thread-safe: each side uses its cache from one thread or under one lock.
 *
 * @param <V> what is kept per function
 */
public final class FunctionCache<V> {
  /** How many functions a worker keeps. */
  public static final int CAPACITY = 256;
  /** The id of a function too large to cache: sent with every task, never stored. */
  public static final long UNCACHED = 0;

  private final Map<Long, V> entries = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
      return size() > CAPACITY;
    }
  };

  /** Creates an empty cache. */
  public FunctionCache() {}

  /**
   * Looks a function up, marking it as recently used.
   *
   * @param functionId the id
   * @return what is kept for it, or {@code null} if the cache does not hold it
   */
  public V lookUp(long functionId) {
    return functionId == UNCACHED ? null : entries.get(functionId);
  }

  /**
   * Stores a function, possibly evicting the least recently used one.
   *
   * @param functionId the id; {@link #UNCACHED} stores nothing
   * @param value what to keep
   */
  public void store(long functionId, V value) {
    if (functionId != UNCACHED) {
      entries.put(functionId, value);
    }
  }
}
