package dev.nproc.pool.internal;

import dev.nproc.core.Codec;
import dev.nproc.core.internal.wire.FunctionCache;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Gives every distinct encoded function an id, so a worker receives a function's bytes once and
 * later tasks name it by id (see {@link FunctionCache}). Functions are told apart by their
 * bytes, not their identity: a lambda submitted twice with different captured values is two
 * functions, and the same lambda object re-encoded after its captured state changed is a new
 * one, so no task ever runs a stale copy. Functions larger than {@link #MAX_CACHED_SIZE} are
 * never cached.
 *
 * <p>Encoding a lambda costs more than running a trivial task, so a function whose state cannot
 * change is encoded once per object: one whose fields (a lambda's captured values) are all final
 * and of immutable types (primitives, {@code String}, boxed primitives, enums), which includes
 * every lambda that captures nothing. Any other function is encoded at every submit.
 *
 * <p>Thread-safe: {@link #encode} encodes on the caller's thread and takes the registry's locks
 * only to look things up.
 */
final class FunctionRegistry {
  /** The largest function that gets an id; larger ones travel with every task. */
  static final int MAX_CACHED_SIZE = 64 * 1024;
  private static final int REMEMBERED = 1024;

  /** An encoded function and its id ({@link FunctionCache#UNCACHED} for a large one). */
  record Encoded(long id, byte[] bytes) {}

  private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Byte.class, Character.class,
      Short.class, Integer.class, Long.class, Float.class, Double.class);

  /** Whether instances of a class always encode to the same bytes: final fields of immutable types only. */
  private static final ClassValue<Boolean> FROZEN = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field field : c.getDeclaredFields()) {
          int mods = field.getModifiers();
          if (Modifier.isStatic(mods)) {
            continue;
          }
          Class<?> t = field.getType();
          if (!Modifier.isFinal(mods) || !(t.isPrimitive() || t.isEnum() || IMMUTABLE.contains(t))) {
            return false;
          }
        }
      }
      return true;
    }
  };

  /** The last frozen function encoded: a loop that submits one function hits this, with no lock. */
  private record Last(Object function, Encoded encoded) {}

  private final Codec codec;
  private final Map<Object, Encoded> frozen = Collections.synchronizedMap(new WeakHashMap<>());
  private volatile Last last;
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
    Last recent = last;
    if (recent != null && recent.function() == function) {
      return recent.encoded();
    }
    boolean isFrozen = FROZEN.get(function.getClass());
    if (isFrozen) {
      Encoded known = frozen.get(function);
      if (known == null) {
        known = encodeNow(function);
        frozen.put(function, known);
      }
      last = new Last(function, known);
      return known;
    }
    return encodeNow(function);
  }

  private Encoded encodeNow(Object function) {
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
