package dev.nproc.core.internal.codec;

import dev.nproc.core.Codec;
import dev.nproc.core.CodecException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nustaq.serialization.FSTConfiguration;
import java.io.IOException;
import org.nustaq.serialization.FSTObjectInput;
import org.nustaq.serialization.FSTObjectOutput;

/**
 * The default {@link Codec}, on FST. Thread-safe: FST keeps one input and one output stream per
 * thread, and the configuration is built once per JVM and never changed after.
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

  private static final Pattern CLASS_IN_MESSAGE =
      Pattern.compile("(?:class |Class |')?([\\w$]+(?:\\.[\\w$]+)+)");

  /** Creates a codec; every instance shares the JVM's one FST configuration. */
  public FstCodec() {}

  private static final class Configuration {
    static final FSTConfiguration FST = create();

    private static FSTConfiguration create() {
      FSTConfiguration conf = FSTConfiguration.createDefaultConfiguration();
      // Serializers are looked up by walking superclasses, so these cover every record and
      // every Throwable. They must be registered before the configuration is first used.
      conf.registerSerializer(Record.class, new RecordSerializer(), true);
      conf.registerSerializer(Throwable.class, new ThrowableSerializer(), true);
      return conf;
    }
  }

  @Override
  public byte[] encode(Object value) {
    if (value == null) {
      return new byte[] {NULL};
    }
    Class<?> type = value.getClass();
    if (type == Integer.class) {
      return ByteBuffer.allocate(5).put(INT).putInt((Integer) value).array();
    } else if (type == Long.class) {
      return ByteBuffer.allocate(9).put(LONG).putLong((Long) value).array();
    } else if (type == Double.class) {
      return ByteBuffer.allocate(9).put(DOUBLE).putDouble((Double) value).array();
    } else if (type == Boolean.class) {
      return new byte[] {BOOLEAN, (byte) ((Boolean) value ? 1 : 0)};
    } else if (type == String.class) {
      return tagged(STRING, ((String) value).getBytes(StandardCharsets.UTF_8));
    } else if (type == byte[].class) {
      return tagged(BYTES, (byte[]) value);
    }
    try {
      FSTObjectOutput out = Configuration.FST.getObjectOutput();
      out.writeByte(FST);
      out.writeObject(value);
      return out.getCopyOfWrittenBuffer();
    } catch (IOException | RuntimeException | Error e) {
      throw encodeFailure(value, e);
    }
  }

  private static byte[] tagged(byte tag, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = tag;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
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
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    try {
      return switch (tag) {
        case NULL -> null;
        case INT -> in.getInt();
        case LONG -> in.getLong();
        case DOUBLE -> in.getDouble();
        case BOOLEAN -> in.get() != 0;
        case STRING -> new String(bytes, offset, length, StandardCharsets.UTF_8);
        case BYTES -> Arrays.copyOfRange(bytes, offset, offset + length);
        default -> throw new CodecException("cannot decode a payload with unknown tag " + tag
            + " (written by another codec?)", null, null);
      };
    } catch (java.nio.BufferUnderflowException e) {
      throw new CodecException("cannot decode a payload of " + (length + 1) + " bytes: too short for its tag "
          + tag, null, e);
    }
  }

  private static CodecException encodeFailure(Object value, Throwable e) {
    String culprit = culprit(e);
    String what = value == null ? "null" : value.getClass().getName();
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
