package dev.nproc.pool.internal;

import dev.nproc.core.Codec;
import dev.nproc.core.internal.wire.FunctionCache;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Encodes each function object once, and gives every encoded function an id, so that a worker
 * receives a function's bytes once and later tasks name it by id (see {@link FunctionCache}).
 *
 * <p>Once per object: the first submit of a function object encodes it, whatever its size, and
 * every later submit of the same object (told apart by identity, never by {@code equals}) reuses
 * those bytes and that id. So a function is a snapshot taken at its first submit: changing what
 * it captures afterwards does not reach the workers; a new function object does. The registry
 * holds its function objects weakly: a function nobody else holds is forgotten with its bytes.
 * It also bounds the bytes it keeps ({@link #maxCachedBytes}), forgetting the least recently
 * used functions first but never the one it encoded last.
 *
 * <p>Ids: two function objects that encode to the same bytes (a lambda made anew at each submit,
 * capturing equal values) share an id, so the worker holds them once; this is done for functions
 * up to {@link #MAX_CONTENT_KEYED} bytes. A larger function gets an id of its own per object.
 *
 * <p>A function larger than {@link #LARGE} that is encoded over and over (a new object at each
 * submit, capturing the same large data) costs an encoding and a transfer each time: the third
 * time, one warning goes to the pool's error log, naming its size and pointing to Full mode's
 * {@code env}, which sends data to each worker once.
 *
 * <p>Thread-safe: {@link #encode} encodes on the caller's thread, outside any lock; the lookups
 * take the registry's lock ({@code this}), or none for the function encoded last. Two threads
 * that submit the same new function at once may both encode it; the first one stored wins.
 */
final class FunctionRegistry {
  /** The largest function whose id is found by its bytes; larger ones get an id per object. */
  static final int MAX_CONTENT_KEYED = 64 * 1024;
  /** Functions over this size that are encoded again and again are warned about. */
  static final int LARGE = 1 << 20;
  /** The encoding of a large function that triggers the warning. */
  static final int WARN_AT = 3;
  private static final int REMEMBERED = 1024;

  /** An encoded function and its id. */
  record Encoded(long id, byte[] bytes) {}

  /** The last function encoded, held weakly: a loop that submits one function hits this, with no lock. */
  private record Last(WeakReference<Object> function, Encoded encoded) {}

  private final Codec codec;
  private final long maxCachedBytes;
  private final Consumer<String> warn;
  private volatile Last last;
  private final ReferenceQueue<Object> forgotten = new ReferenceQueue<>();
  /** By function object, least recently used first. Guarded by {@code this}. */
  private final LinkedHashMap<ObjectKey, Encoded> byObject = new LinkedHashMap<>(64, 0.75f, true);
  private long cachedBytes;
  /** Ids of small functions by their bytes. Guarded by {@code this}. */
  private final Map<BytesKey, Long> ids = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<BytesKey, Long> eldest) {
      return size() > REMEMBERED;
    }
  };
  private long nextId = 1;
  private int largeEncodings;
  private long encodings;

  /**
   * Creates a registry.
   *
   * @param codec the pool's codec
   * @param maxCachedBytes the most bytes of encoded functions kept (the last one is kept whatever its size)
   * @param warn where the warning about a large function encoded again and again goes
   */
  FunctionRegistry(Codec codec, long maxCachedBytes, Consumer<String> warn) {
    this.codec = codec;
    this.maxCachedBytes = maxCachedBytes;
    this.warn = warn;
  }

  /**
   * Returns the default bound of the encoded functions kept: a quarter of this JVM's largest
   * heap, at least 32 MiB.
   *
   * @return the bound, in bytes
   */
  static long defaultMaxCachedBytes() {
    return Math.max(32L << 20, Runtime.getRuntime().maxMemory() / 4);
  }

  /** Encodes a function, or finds it encoded; throws the codec's exception if it cannot be encoded. */
  Encoded encode(Object function) {
    Last recent = last;
    if (recent != null && recent.function().get() == function) {
      return recent.encoded();
    }
    Encoded known;
    synchronized (this) {
      expunge();
      known = byObject.get(new ObjectKey(function, null));
    }
    if (known == null) {
      known = encodeNow(function);
      synchronized (this) {
        Encoded raced = byObject.putIfAbsent(new ObjectKey(function, forgotten), known);
        if (raced != null) {
          known = raced;
        } else {
          cachedBytes += known.bytes().length;
          trim();
        }
      }
    }
    last = new Last(new WeakReference<>(function), known);
    return known;
  }

  /**
   * Returns how many times this registry has run the codec on a function.
   *
   * @return the number of encodings
   */
  synchronized long encodings() {
    return encodings;
  }

  private Encoded encodeNow(Object function) {
    byte[] bytes = codec.encode(function);
    int warnNow = 0;
    Encoded encoded;
    synchronized (this) {
      encodings++;
      if (bytes.length > MAX_CONTENT_KEYED) {
        encoded = new Encoded(nextId++, bytes);
        if (bytes.length > LARGE && ++largeEncodings == WARN_AT) {
          warnNow = bytes.length;
        }
      } else {
        BytesKey key = new BytesKey(bytes);
        Long id = ids.get(key);
        if (id == null) {
          id = nextId++;
          ids.put(key, id);
        }
        encoded = new Encoded(id, bytes);
      }
    }
    if (warnNow > 0) {
      warn.accept("a function of " + mib(warnNow) + " (" + function.getClass().getName() + ") has been encoded"
          + " and sent to the workers " + WARN_AT + " times, as a new function object each time (a lambda made"
          + " at each submit, or a new iteration): each costs an encoding and a transfer to every worker. A"
          + " function is encoded once per object: submit the same object again, or pass the large data once"
          + " per worker as Full mode's env (FullPool.create(nproc, serv, env, ...)) and read it there. This"
          + " warning is given once per pool.");
    }
    return encoded;
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }

  /** Drops the entries of collected functions. Under the lock. */
  private void expunge() {
    for (Object ref = forgotten.poll(); ref != null; ref = forgotten.poll()) {
      Encoded gone = byObject.remove((ObjectKey) ref);
      if (gone != null) {
        cachedBytes -= gone.bytes().length;
      }
    }
  }

  /** Forgets the least recently used functions while over the bound, keeping the newest. Under the lock. */
  private void trim() {
    Iterator<Map.Entry<ObjectKey, Encoded>> it = byObject.entrySet().iterator();
    while (cachedBytes > maxCachedBytes && byObject.size() > 1 && it.hasNext()) {
      cachedBytes -= it.next().getValue().bytes().length;
      it.remove();
    }
  }

  /** A function object as a key: by identity, held weakly. */
  private static final class ObjectKey extends WeakReference<Object> {
    private final int hash;

    ObjectKey(Object function, ReferenceQueue<Object> queue) {
      super(function, queue);
      this.hash = System.identityHashCode(function);
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      if (!(o instanceof ObjectKey k) || k.hash != hash) {
        return false;
      }
      Object referent = get();
      return referent != null && referent == k.get();
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** Byte content as a map key. */
  private static final class BytesKey {
    private final byte[] bytes;
    private final int hash;

    BytesKey(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BytesKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
