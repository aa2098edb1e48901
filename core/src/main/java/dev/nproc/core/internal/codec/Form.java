package dev.nproc.core.internal.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What FST writes in place of a value that travels in another form ({@link TravelRule}): a path
 * as its URI, an optional as its content, a JDK value as the bytes of the JDK's serialization.
 * {@link FormSerializer} reads it back as the original value, so a {@code Form} is never seen
 * outside the codec.
 *
 * <p>Immutable. Public only so that FST can instantiate it; not API.
 */
public final class Form implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Kinds of form. */
  static final byte PATH = 1;
  static final byte OPTIONAL = 2;
  static final byte OPTIONAL_INT = 3;
  static final byte OPTIONAL_LONG = 4;
  static final byte OPTIONAL_DOUBLE = 5;
  static final byte JDK = 6;

  final byte kind;
  /** The URI of a path, the content of an optional ({@code null} when empty), the bytes of a JDK value. */
  final Object content;

  private Form(byte kind, Object content) {
    this.kind = kind;
    this.content = content;
  }

  static Form path(Path path) {
    return new Form(PATH, path.toUri().toString());
  }

  static Form optional(Object optional) {
    if (optional instanceof Optional<?> o) {
      return new Form(OPTIONAL, o.orElse(null));
    } else if (optional instanceof OptionalInt o) {
      return new Form(OPTIONAL_INT, o.isPresent() ? o.getAsInt() : null);
    } else if (optional instanceof OptionalLong o) {
      return new Form(OPTIONAL_LONG, o.isPresent() ? o.getAsLong() : null);
    }
    OptionalDouble o = (OptionalDouble) optional;
    return new Form(OPTIONAL_DOUBLE, o.isPresent() ? o.getAsDouble() : null);
  }

  static Form jdk(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize " + value.getClass().getName() + " with the JDK's"
          + " serialization: " + e, e);
    }
    return new Form(JDK, bytes.toByteArray());
  }
}
