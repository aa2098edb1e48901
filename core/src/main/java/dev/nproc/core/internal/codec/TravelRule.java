package dev.nproc.core.internal.codec;

import java.io.NotSerializableException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What may travel, the same rule for arguments, results, environments and service messages,
 * in the master and in the workers: an instance of a {@link Serializable} class (Java's rule),
 * a record, an array, or a type the codec supports on purpose ({@link Path}, as its URI;
 * {@link Optional} and its primitive twins). Everything else is refused before FST looks at it,
 * with a message that names the type and says what to pass instead.
 *
 * <p>Also tells which values travel in another form ({@link Form}): the supported types above,
 * and serializable JDK classes whose package is not open to this codec (the {@code java.time}
 * types, {@code java.io.File}, {@code java.util.regex.Pattern}, the atomics), which go through
 * the JDK's own serialization, as that needs no {@code --add-opens}.
 *
 * <p>Stateless and thread-safe; the verdict per class is computed once.
 *
 * <p>Public only so that {@code dev.nproc.core.FstCodec} and the stream module's chunk runner
 * can use it; not API.
 */
public final class TravelRule {
  private TravelRule() {}

  /** How a class travels. */
  private enum Way { AS_IS, PATH, OPTIONAL, JDK_SERIALIZATION, REFUSED }

  private static final ClassValue<Way> WAYS = new ClassValue<>() {
    @Override
    protected Way computeValue(Class<?> type) {
      return wayOf(type);
    }
  };

  private static Way wayOf(Class<?> type) {
    if (Path.class.isAssignableFrom(type)) {
      return Way.PATH;
    }
    if (type == Optional.class || type == OptionalInt.class || type == OptionalLong.class
        || type == OptionalDouble.class) {
      return Way.OPTIONAL;
    }
    if (type.isArray() || type.isRecord() || type.isEnum()) {
      return Way.AS_IS;
    }
    if (!Serializable.class.isAssignableFrom(type)) {
      return Way.REFUSED;
    }
    Module module = type.getModule();
    if (module.isNamed() && !module.isOpen(type.getPackageName(), TravelRule.class.getModule())) {
      return Way.JDK_SERIALIZATION;
    }
    return Way.AS_IS;
  }

  /**
   * Tells whether instances of a class may travel, judged by the class alone (what they hold is
   * judged when it is written).
   *
   * @param type the class
   * @return {@code null} if they may, else why not and what to pass instead
   */
  public static String refusal(Class<?> type) {
    return WAYS.get(type) == Way.REFUSED ? explain(type) : null;
  }

  /**
   * Returns what FST writes in place of {@code value}: a {@link Form} for a value that travels
   * in another form, else the value itself.
   *
   * @param value a value about to be written, not {@code null}
   * @return the value or its stand-in
   * @throws NotSerializableException if the value may not travel; its message names the class
   *     and says what to pass instead
   */
  public static Object substitute(Object value) throws NotSerializableException {
    return switch (WAYS.get(value.getClass())) {
      case AS_IS -> value;
      case PATH -> Form.path((Path) value);
      case OPTIONAL -> Form.optional(value);
      case JDK_SERIALIZATION -> Form.jdk(value);
      case REFUSED -> throw new Refusal(value.getClass(), explain(value.getClass()));
    };
  }

  /** A refused value: its message says why and what to pass instead. */
  public static final class Refusal extends NotSerializableException {
    private static final long serialVersionUID = 1L;
    private final String type;

    Refusal(Class<?> type, String message) {
      super(message);
      this.type = type.getName();
    }

    /**
     * Returns the refused class's name.
     *
     * @return the class's name
     */
    public String type() {
      return type;
    }
  }

  private static String explain(Class<?> type) {
    String name = type.getName();
    String why = name + " is not serializable (not java.io.Serializable, not a record, not a type nproc supports"
        + " on purpose)";
    String instead;
    if (is(type, "java.util.logging.Logger") || is(type, "org.slf4j.Logger") || is(type, "java.lang.System$Logger")
        || name.contains("Logger")) {
      instead = "a logger belongs to its JVM: get one in the worker (a static field of the function's class,"
          + " or inside the function) instead of capturing it";
    } else if (Thread.class.isAssignableFrom(type) || is(type, "java.util.concurrent.Executor")) {
      instead = "threads and executors belong to their JVM: create them in the worker (init, or in the task)";
    } else if (is(type, "java.io.InputStream") || is(type, "java.io.OutputStream") || is(type, "java.io.Reader")
        || is(type, "java.io.Writer") || is(type, "java.nio.channels.Channel") || is(type, "java.net.Socket")
        || is(type, "java.lang.AutoCloseable")) {
      instead = "an open stream, channel, socket or connection cannot be copied: pass its data (a byte[] or a"
          + " String) or its path (a java.nio.file.Path travels as its URI) and open it in the worker";
    } else if (is(type, "java.nio.charset.Charset")) {
      instead = "pass its name (charset.name()) and look it up in the worker";
    } else if (is(type, "java.util.List") || is(type, "java.util.Collection") || is(type, "java.util.Map")) {
      instead = "this view of a collection is not serializable: pass a copy (new ArrayList<>(list),"
          + " List.copyOf(list), new HashMap<>(map))";
    } else if (type == Object.class) {
      instead = "a bare java.lang.Object carries nothing: pass or return a value of a serializable type";
    } else if (type.isSynthetic() || name.contains("$$Lambda")) {
      instead = "a lambda travels only if its target type is serializable: declare it as a SerializableFunction"
          + " (or cast it to an intersection type with Serializable)";
    } else {
      instead = "make the class implement java.io.Serializable, or make it a record, or pass the data it holds";
    }
    return why + "; " + instead;
  }

  private static boolean is(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(name)) {
        return true;
      }
      for (Class<?> i : c.getInterfaces()) {
        if (is(i, name)) {
          return true;
        }
      }
    }
    return false;
  }
}
