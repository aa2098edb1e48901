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
 * every lambda that captures nothing; or whose final fields of other types hold, at the time of
 * the submit, objects that pass the same test in turn (a wrapper such as the stream module's
 * chunk function around a lambda that captures nothing), a few levels deep. Any other function
 * is encoded at every submit.
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

  /** What a class's fields say about whether its instances always encode to the same bytes. */
  private enum Frozen {
    /** Final fields of immutable types only. */
    YES,
    /** A field that is not final, or an array: no. */
    NO,
    /** Final fields only, some of other types: yes if the objects they hold pass the test. */
    BY_VALUE
  }

  /** How many levels of {@link Frozen#BY_VALUE} fields are followed before giving up. */
  private static final int MAX_DEPTH = 4;

  private static final ClassValue<Frozen> FROZEN = new ClassValue<>() {
    @Override
    protected Frozen computeValue(Class<?> type) {
      if (IMMUTABLE.contains(type) || type.isEnum() || Enum.class.isAssignableFrom(type)) {
        return Frozen.YES;
      }
      if (type.isArray()) {
        return Frozen.NO;
      }
      Frozen verdict = Frozen.YES;
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field field : c.getDeclaredFields()) {
          int mods = field.getModifiers();
          if (Modifier.isStatic(mods)) {
            continue;
          }
          Class<?> t = field.getType();
          if (!Modifier.isFinal(mods) || t.isArray()) {
            return Frozen.NO;
          }
          if (!(t.isPrimitive() || t.isEnum() || IMMUTABLE.contains(t))) {
            verdict = Frozen.BY_VALUE;
          }
        }
      }
      return verdict;
    }
  };

  /** The fields a {@link Frozen#BY_VALUE} class's instances are judged by; {@code null} if they cannot be read. */
  private static final ClassValue<Field[]> VALUE_FIELDS = new ClassValue<>() {
    @Override
    protected Field[] computeValue(Class<?> type) {
      java.util.List<Field> fields = new java.util.ArrayList<>();
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field field : c.getDeclaredFields()) {
          Class<?> t = field.getType();
          if (!Modifier.isStatic(field.getModifiers()) && !(t.isPrimitive() || t.isEnum() || IMMUTABLE.contains(t))) {
            try {
              field.setAccessible(true);
            } catch (RuntimeException e) { // InaccessibleObjectException: a module that does not open it
              return null;
            }
            fields.add(field);
          }
        }
      }
      return fields.toArray(new Field[0]);
    }
  };

  /** Whether {@code value} always encodes to the same bytes, by its class and, where needed, what its fields hold. */
  static boolean isFrozen(Object value, int depth) {
    if (value == null) {
      return true;
    }
    Frozen verdict = FROZEN.get(value.getClass());
    if (verdict != Frozen.BY_VALUE) {
      return verdict == Frozen.YES;
    }
    Field[] fields = VALUE_FIELDS.get(value.getClass());
    if (depth == 0 || fields == null) {
      return false;
    }
    for (Field field : fields) {
      try {
        if (!isFrozen(field.get(value), depth - 1)) {
          return false;
        }
      } catch (IllegalAccessException e) {
        return false;
      }
    }
    return true;
  }

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
    if (isFrozen(function, MAX_DEPTH)) {
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
