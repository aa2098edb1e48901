package dev.nproc.core.internal.codec;

import dev.nproc.core.Codec;
import dev.nproc.core.CodecException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nustaq.serialization.FSTConfiguration;
import org.nustaq.serialization.FSTObjectInput;

/**
 * The default {@link Codec}, on FST. Thread-safe: FST keeps one input and one output stream per
 * thread, and the configuration is built once per JVM and never changed after.
 *
 * <p>FST's own {@code asObject} prints to {@code System.out} when decoding fails, so this codec
 * reads through an {@link FSTObjectInput} itself and turns every failure, including the
 * {@code IOException}s FST throws without declaring them, into a {@link CodecException} that
 * names the class at fault.
 */
public final class FstCodec implements Codec {
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
    try {
      return Configuration.FST.asByteArray(value);
    } catch (RuntimeException | Error e) {
      throw encodeFailure(value, e);
    }
  }

  @Override
  public Object decode(byte[] bytes, int offset, int length) {
    try {
      FSTObjectInput in = offset == 0 && length == bytes.length
          ? Configuration.FST.getObjectInput(bytes)
          : Configuration.FST.getObjectInputCopyFrom(bytes, offset, length);
      return in.readObject();
    } catch (Exception | Error e) {
      String culprit = culprit(e);
      throw new CodecException("cannot decode a payload of " + length + " bytes: "
          + describe(rootCause(e)), culprit, e);
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
