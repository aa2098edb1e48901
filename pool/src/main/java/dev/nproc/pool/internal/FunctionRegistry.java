package dev.nproc.pool.internal;

import dev.nproc.core.Codec;
import dev.nproc.core.internal.wire.FunctionCache;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives every distinct encoded function an id, so a worker receives a function's bytes once and
 * later tasks name it by id (see {@link FunctionCache}). Functions are told apart by their
 * bytes, not their identity: a lambda submitted twice with different captured values is two
 * functions, and the same lambda object re-encoded after its captured state changed is a new
 * one, so no task ever runs a stale copy. Functions larger than {@link #MAX_CACHED_SIZE} are
 * never cached.
 *
 * <p>Thread-safe: {@link #encode} encodes on the caller's thread and takes the registry's lock
 * only to look the bytes up.
 */
final class FunctionRegistry {
  /** The largest function that gets an id; larger ones travel with every task. */
  static final int MAX_CACHED_SIZE = 64 * 1024;
  private static final int REMEMBERED = 1024;

  /** An encoded function and its id ({@link FunctionCache#UNCACHED} for a large one). */
  record Encoded(long id, byte[] bytes) {}

  private final Codec codec;
  private final Map<Key, Long> ids = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
      return size() > REMEMBERED;
    }
  };
  private long nextId = 1;

  FunctionRegistry(Codec codec) {
    this.codec = codec;
  }

  /** Encodes a function and finds its id; throws the codec's exception if it cannot be encoded. */
  Encoded encode(Object function) {
    byte[] bytes = codec.encode(function);
    if (bytes.length > MAX_CACHED_SIZE) {
      return new Encoded(FunctionCache.UNCACHED, bytes);
    }
    Key key = new Key(bytes);
    synchronized (ids) {
      Long id = ids.get(key);
      if (id == null) {
        id = nextId++;
        ids.put(key, id);
      }
      return new Encoded(id, bytes);
    }
  }

  /** Byte content as a map key. */
  private static final class Key {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
