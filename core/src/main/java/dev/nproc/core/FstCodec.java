package dev.nproc.core;

import dev.nproc.core.internal.codec.Form;
import dev.nproc.core.internal.codec.FormSerializer;
import dev.nproc.core.internal.codec.LeanFstConfiguration;
import dev.nproc.core.internal.codec.RecordSerializer;
import dev.nproc.core.internal.codec.ThrowableSerializer;
import dev.nproc.core.internal.codec.TravelRule;
import dev.nproc.core.internal.codec.ValueOutput;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nustaq.serialization.FSTConfiguration;
import org.nustaq.serialization.FSTObjectInput;
import org.nustaq.serialization.FSTObjectOutput;

/**
 * The default {@link Codec}, built on FST: {@link Codec#fst()} returns one, and a pool uses it
 * unless told otherwise. Workers create their own through the public no-argument constructor,
 * so it is this class's name that travels to them.
 *
 * <p>What it encodes: whatever FST encodes (instances of {@link java.io.Serializable} classes,
 * including serializable lambdas and what they capture), and beyond that:
 * <ul>
 *   <li>records, whether or not they implement {@code Serializable}: written through their
 *       components and rebuilt with their canonical constructor, so its checks run again;
 *   <li>exceptions with custom fields: any {@link Throwable} is written with the JDK's own
 *       serialization, which keeps its message, cause, stack trace, suppressed exceptions and
 *       every field of a subclass (those fields must be serializable by the JDK).
 * </ul>
 * A value it cannot encode or decode fails with a {@link CodecException} that names the class
 * at fault where it is known.
 *
 * <p>Thread-safe: FST keeps one input and one output stream per thread, and the configuration
 * is built once per JVM and never changed after. Every instance shares that configuration, so
 * instances are cheap and interchangeable.
 *
 * <p>FST's own {@code asObject} prints to {@code System.out} when decoding fails, so this codec
 * reads through an {@link FSTObjectInput} itself and turns every failure, including the
 * {@code IOException}s FST throws without declaring them, into a {@link CodecException} that
 * names the class at fault.
 *
 * <p>Each encoding starts with a tag byte. The values tasks pass most (null, {@code Integer},
 * {@code Long}, {@code Double}, {@code Boolean}, {@code String}, {@code byte[]}) are written
 * directly after it; everything else is written by FST. Setting up an FST stream costs more than
 * a trivial task, and an {@code int} needs no object graph.
 *
 * <p>An {@code ArrayList} (that exact class) whose elements are all of those types is written
 * directly too, since it is what chunked iteration sends both ways: a count, then either each
 * element with its own tag, or, when every element is an {@code Integer}, every one a
 * {@code Long} or every one a {@code Double}, one element tag and the raw values. It decodes to
 * an {@code ArrayList} of the same classes. A list holding anything else (a nested list, a
 * record, the same {@code byte[]} twice) goes to FST whole, so FST's failures and its handling
 * of shared references are unchanged.
 *
 * <p>Direct layouts, after the tag byte, big-endian: {@code INT} 4 bytes; {@code LONG} and
 * {@code DOUBLE} 8 (raw bits); {@code BOOLEAN} 1; {@code STRING} UTF-8 and {@code BYTES} raw, to
 * the end of the payload; {@code LIST} an {@code int} count then each element as a tag and its
 * body, where a {@code STRING} or {@code BYTES} body starts with its length as an {@code int};
 * {@code INT_LIST}, {@code LONG_LIST}, {@code DOUBLE_LIST} an {@code int} count then the values.
 */
public final class FstCodec implements Codec {
  private static final byte FST = 0;
  private static final byte NULL = 1;
  private static final byte INT = 2;
  private static final byte LONG = 3;
  private static final byte DOUBLE = 4;
  private static final byte BOOLEAN = 5;
  private static final byte STRING = 6;
  private static final byte BYTES = 7;
  private static final byte LIST = 8;
  private static final byte INT_LIST = 9;
  private static final byte LONG_LIST = 10;
  private static final byte DOUBLE_LIST = 11;

  /** The largest direct encoding; a bigger list goes to FST, which reports its own failure. */
  private static final long MAX_DIRECT = Integer.MAX_VALUE - 16;

  private static final VarHandle INT_AT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_AT = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private static final Pattern CLASS_IN_MESSAGE =
      Pattern.compile("(?:class |Class |')?([\\w$]+(?:\\.[\\w$]+)+)");

  /** Creates a codec; every instance shares the JVM's one FST configuration. */
  public FstCodec() {}

  private static final class Configuration {
    static final FSTConfiguration FST = create();

    private static FSTConfiguration create() {
      FSTConfiguration conf = LeanFstConfiguration.create();
      // Serializers are looked up by walking superclasses, so these cover every record and
      // every Throwable. They must be registered before the configuration is first used.
      conf.registerSerializer(Record.class, new RecordSerializer(), true);
      conf.registerSerializer(Throwable.class, new ThrowableSerializer(), true);
      conf.registerSerializer(Form.class, new FormSerializer(), false);
      return conf;
    }

    /** One output per thread, applying nproc's rule of what may travel ({@link TravelRule}). */
    static final ThreadLocal<ValueOutput> OUTPUT = ThreadLocal.withInitial(() -> new ValueOutput(FST));
  }

  /** An output whose buffer grew past this (a large value) is dropped after use, so no thread keeps it. */
  private static final int KEPT_OUTPUT = 1 << 20;

  @Override
  public byte[] encode(Object value) {
    if (value == null) {
      return new byte[] {NULL};
    }
    Class<?> type = value.getClass();
    if (type == Integer.class) {
      byte[] out = new byte[5];
      out[0] = INT;
      INT_AT.set(out, 1, (int) (Integer) value);
      return out;
    } else if (type == Long.class) {
      byte[] out = new byte[9];
      out[0] = LONG;
      LONG_AT.set(out, 1, (long) (Long) value);
      return out;
    } else if (type == Double.class) {
      byte[] out = new byte[9];
      out[0] = DOUBLE;
      LONG_AT.set(out, 1, Double.doubleToRawLongBits((Double) value));
      return out;
    } else if (type == Boolean.class) {
      return new byte[] {BOOLEAN, (byte) ((Boolean) value ? 1 : 0)};
    } else if (type == String.class) {
      return tagged(STRING, ((String) value).getBytes(StandardCharsets.UTF_8));
    } else if (type == byte[].class) {
      return tagged(BYTES, (byte[]) value);
    } else if (type == ArrayList.class) {
      byte[] direct = encodeList((ArrayList<?>) value);
      if (direct != null) {
        return direct;
      }
    }
    FSTObjectOutput out = Configuration.OUTPUT.get();
    try {
      out.resetForReUse();
      out.writeByte(FST);
      out.writeObject(value);
      return out.getCopyOfWrittenBuffer();
    } catch (IOException | RuntimeException | Error e) {
      Configuration.OUTPUT.remove(); // a failure may leave it half-written
      throw encodeFailure(value, e);
    } finally {
      if (out.getBuffer().length > KEPT_OUTPUT) {
        Configuration.OUTPUT.remove();
      }
    }
  }

  private static byte[] tagged(byte tag, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = tag;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  /**
   * Writes a list directly, in one right-sized array; or returns {@code null}, having written
   * nothing, when an element needs FST. Works on a snapshot of the elements, so the size
   * computed in the first pass is the size written in the second.
   */
  private static byte[] encodeList(ArrayList<?> list) {
    Object[] elements = list.toArray();
    int n = elements.length;
    // First pass: check every element, find whether all share one numeric class, add up the size.
    Class<?> common = n == 0 ? null : elements[0] == null ? null : elements[0].getClass();
    boolean uniform = common == Integer.class || common == Long.class || common == Double.class;
    long size = 5;
    byte[][] bodies = null; // UTF-8 of the strings, so they are encoded once
    int arrays = 0;
    for (int i = 0; i < n; i++) {
      Object e = elements[i];
      if (e == null) {
        uniform = false;
        size += 1;
        continue;
      }
      Class<?> c = e.getClass();
      if (c != common) {
        uniform = false;
      }
      if (c == Integer.class) {
        size += 5;
      } else if (c == Long.class || c == Double.class) {
        size += 9;
      } else if (c == Boolean.class) {
        size += 2;
      } else if (c == String.class) {
        if (bodies == null) {
          bodies = new byte[n][];
        }
        bodies[i] = ((String) e).getBytes(StandardCharsets.UTF_8);
        size += 5 + bodies[i].length;
      } else if (c == byte[].class) {
        arrays++;
        size += 5 + ((byte[]) e).length;
      } else {
        return null;
      }
    }
    if (size > MAX_DIRECT || (arrays > 1 && hasSharedArray(elements, arrays))) {
      return null;
    }
    if (uniform) {
      return encodeUniform(elements, common);
    }
    // Second pass: write.
    byte[] out = new byte[(int) size];
    out[0] = LIST;
    INT_AT.set(out, 1, n);
    int at = 5;
    for (int i = 0; i < n; i++) {
      Object e = elements[i];
      if (e == null) {
        out[at++] = NULL;
        continue;
      }
      Class<?> c = e.getClass();
      if (c == Integer.class) {
        out[at] = INT;
        INT_AT.set(out, at + 1, (int) (Integer) e);
        at += 5;
      } else if (c == Long.class) {
        out[at] = LONG;
        LONG_AT.set(out, at + 1, (long) (Long) e);
        at += 9;
      } else if (c == Double.class) {
        out[at] = DOUBLE;
        LONG_AT.set(out, at + 1, Double.doubleToRawLongBits((Double) e));
        at += 9;
      } else if (c == Boolean.class) {
        out[at] = BOOLEAN;
        out[at + 1] = (byte) ((Boolean) e ? 1 : 0);
        at += 2;
      } else {
        byte[] body = c == String.class ? bodies[i] : (byte[]) e;
        out[at] = c == String.class ? STRING : BYTES;
        INT_AT.set(out, at + 1, body.length);
        System.arraycopy(body, 0, out, at + 5, body.length);
        at += 5 + body.length;
      }
    }
    return out;
  }

  /** Writes a non-empty list whose elements are all {@code Integer}s, all {@code Long}s or all {@code Double}s. */
  private static byte[] encodeUniform(Object[] elements, Class<?> type) {
    int n = elements.length;
    if (type == Integer.class) {
      byte[] out = new byte[5 + 4 * n];
      out[0] = INT_LIST;
      INT_AT.set(out, 1, n);
      for (int i = 0, at = 5; i < n; i++, at += 4) {
        INT_AT.set(out, at, (int) (Integer) elements[i]);
      }
      return out;
    }
    byte[] out = new byte[5 + 8 * n];
    out[0] = type == Long.class ? LONG_LIST : DOUBLE_LIST;
    INT_AT.set(out, 1, n);
    if (type == Long.class) {
      for (int i = 0, at = 5; i < n; i++, at += 8) {
        LONG_AT.set(out, at, (long) (Long) elements[i]);
      }
    } else {
      for (int i = 0, at = 5; i < n; i++, at += 8) {
        LONG_AT.set(out, at, Double.doubleToRawLongBits((Double) elements[i]));
      }
    }
    return out;
  }

  /** Whether one {@code byte[]} appears twice: FST keeps such sharing, a direct list would not. */
  private static boolean hasSharedArray(Object[] elements, int arrays) {
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>(arrays * 2);
    for (Object e : elements) {
      if (e instanceof byte[] && seen.put(e, Boolean.TRUE) != null) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Object decode(byte[] bytes, int offset, int length) {
    if (length < 1) {
      throw new CodecException("cannot decode an empty payload", null, null);
    }
    byte tag = bytes[offset];
    if (tag != FST) {
      return decodeDirect(tag, bytes, offset + 1, length - 1);
    }
    try {
      FSTObjectInput in = offset == 0 && length == bytes.length
          ? Configuration.FST.getObjectInput(bytes)
          : Configuration.FST.getObjectInputCopyFrom(bytes, offset, length);
      in.readByte();
      return in.readObject();
    } catch (Exception | Error e) {
      String culprit = culprit(e);
      throw new CodecException("cannot decode a payload of " + length + " bytes: "
          + describe(rootCause(e)), culprit, e);
    }
  }

  private static Object decodeDirect(byte tag, byte[] bytes, int offset, int length) {
    try {
      return switch (tag) {
        case NULL -> null;
        case INT -> (int) INT_AT.get(bytes, within(offset, 4, offset + length));
        case LONG -> (long) LONG_AT.get(bytes, within(offset, 8, offset + length));
        case DOUBLE -> Double.longBitsToDouble((long) LONG_AT.get(bytes, within(offset, 8, offset + length)));
        case BOOLEAN -> bytes[within(offset, 1, offset + length)] != 0;
        case STRING -> new String(bytes, offset, length, StandardCharsets.UTF_8);
        case BYTES -> Arrays.copyOfRange(bytes, offset, offset + length);
        case LIST, INT_LIST, LONG_LIST, DOUBLE_LIST -> decodeList(tag, bytes, offset, offset + length);
        default -> throw unknownTag(tag);
      };
    } catch (IndexOutOfBoundsException e) {
      throw new CodecException("cannot decode a payload of " + (length + 1) + " bytes: too short for its tag "
          + tag, null, e);
    }
  }

  /** Returns {@code at} if {@code size} bytes from it end by {@code end}; else fails as too short. */
  private static int within(int at, int size, int end) {
    if (end - at < size) {
      throw new IndexOutOfBoundsException("needs " + size + " bytes at " + at + ", has " + (end - at));
    }
    return at;
  }

  private static ArrayList<Object> decodeList(byte tag, byte[] bytes, int start, int end) {
    int n = (int) INT_AT.get(bytes, within(start, 4, end));
    int at = start + 4;
    long width = switch (tag) {
      case INT_LIST -> 4;
      case LONG_LIST, DOUBLE_LIST -> 8;
      default -> 1; // LIST: each element takes at least its tag
    };
    if (n < 0 || width * n > end - at) {
      throw new IndexOutOfBoundsException("a list of " + n + " elements in " + (end - at) + " bytes");
    }
    ArrayList<Object> list = new ArrayList<>(n);
    if (tag == INT_LIST) {
      for (int i = 0; i < n; i++, at += 4) {
        list.add((int) INT_AT.get(bytes, at));
      }
    } else if (tag == LONG_LIST) {
      for (int i = 0; i < n; i++, at += 8) {
        list.add((long) LONG_AT.get(bytes, at));
      }
    } else if (tag == DOUBLE_LIST) {
      for (int i = 0; i < n; i++, at += 8) {
        list.add(Double.longBitsToDouble((long) LONG_AT.get(bytes, at)));
      }
    } else {
      for (int i = 0; i < n; i++) {
        byte t = bytes[within(at, 1, end)];
        at++;
        switch (t) {
          case NULL -> list.add(null);
          case INT -> {
            list.add((int) INT_AT.get(bytes, within(at, 4, end)));
            at += 4;
          }
          case LONG -> {
            list.add((long) LONG_AT.get(bytes, within(at, 8, end)));
            at += 8;
          }
          case DOUBLE -> {
            list.add(Double.longBitsToDouble((long) LONG_AT.get(bytes, within(at, 8, end))));
            at += 8;
          }
          case BOOLEAN -> {
            list.add(bytes[within(at, 1, end)] != 0);
            at += 1;
          }
          case STRING, BYTES -> {
            int len = (int) INT_AT.get(bytes, within(at, 4, end));
            at += 4;
            if (len < 0) {
              throw new IndexOutOfBoundsException("an element of " + len + " bytes");
            }
            within(at, len, end);
            list.add(t == STRING ? new String(bytes, at, len, StandardCharsets.UTF_8)
                : Arrays.copyOfRange(bytes, at, at + len));
            at += len;
          }
          default -> throw unknownTag(t);
        }
      }
    }
    if (at != end) {
      throw new CodecException("cannot decode a list: " + (end - at) + " bytes left over after its "
          + n + " elements", null, null);
    }
    return list;
  }

  private static CodecException unknownTag(byte tag) {
    return new CodecException("cannot decode a payload with unknown tag " + tag
        + " (written by another codec?)", null, null);
  }

  private static CodecException encodeFailure(Object value, Throwable e) {
    String what = value == null ? "null" : value.getClass().getName();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TravelRule.Refusal refusal) {
        String where = refusal.type().equals(what) ? "" : ", which holds a " + refusal.type();
        return new CodecException("cannot serialize " + what + where + ": " + refusal.getMessage(), refusal.type(), e);
      }
    }
    String culprit = culprit(e);
    if (culprit != null) {
      return new CodecException("cannot serialize " + what + ": " + culprit
          + " is not serializable (" + describe(rootCause(e)) + ")", culprit, e);
    }
    return new CodecException("cannot serialize " + what + ": " + describe(rootCause(e)), null, e);
  }

  /** The class a failure is about, from the most specific exception in the chain. */
  static String culprit(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof NotSerializableException && t.getMessage() != null) {
        return t.getMessage().trim();
      }
      if (t instanceof ClassNotFoundException && t.getMessage() != null) {
        return t.getMessage().trim();
      }
      if (t instanceof NoClassDefFoundError && t.getMessage() != null) {
        return t.getMessage().trim().replace('/', '.');
      }
      if (t instanceof InvalidClassException ice && ice.classname != null) {
        return ice.classname;
      }
    }
    Throwable root = rootCause(e);
    String message = root.getMessage();
    if (message != null && (message.contains("Serializable") || message.contains("serializ"))) {
      Matcher m = CLASS_IN_MESSAGE.matcher(message);
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }

  static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
