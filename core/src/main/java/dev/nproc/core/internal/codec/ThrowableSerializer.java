package dev.nproc.core.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.nustaq.serialization.FSTBasicObjectSerializer;
import org.nustaq.serialization.FSTClazzInfo;
import org.nustaq.serialization.FSTObjectInput;
import org.nustaq.serialization.FSTObjectOutput;

/**
 * Serializes any {@link Throwable} field by field with the JDK's own serialization, which knows
 * Throwable's internals (cause, stack trace, suppressed exceptions) and keeps every custom field
 * of a subclass; FST 3's built-in handling loses custom fields. Exceptions are rare, so the
 * slower JDK path costs nothing that matters. Stateless and thread-safe.
 *
 * <p>Public only so that {@code dev.nproc.core.FstCodec} can register it; not API.
 */
public final class ThrowableSerializer extends FSTBasicObjectSerializer {
  /** Creates a throwable serializer; {@code FstCodec} registers one for all throwables. */
  public ThrowableSerializer() {}

  @Override
  public void writeObject(FSTObjectOutput out, Object toWrite, FSTClazzInfo clzInfo,
                          FSTClazzInfo.FSTFieldInfo referencedBy, int streamPosition) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
      oos.writeObject(toWrite);
    }
    out.writeObject(bytes.toByteArray());
  }

  @Override
  @SuppressWarnings("rawtypes") // FST's signature
  public Object instantiate(Class objectClass, FSTObjectInput in, FSTClazzInfo serializationInfo,
                            FSTClazzInfo.FSTFieldInfo referencee, int streamPosition) throws Exception {
    byte[] bytes = (byte[]) in.readObject();
    Object throwable;
    try (ObjectInputStream ois = new ContextObjectInputStream(new ByteArrayInputStream(bytes))) {
      throwable = ois.readObject();
    }
    in.registerObject(throwable, streamPosition, serializationInfo, referencee);
    return throwable;
  }

  @Override
  public void readObject(FSTObjectInput in, Object toRead, FSTClazzInfo clzInfo,
                         FSTClazzInfo.FSTFieldInfo referencedBy) {
    // everything was read in instantiate
  }

  /** Resolves classes through the thread's context class loader first, as FST does. */
  private static final class ContextObjectInputStream extends ObjectInputStream {
    ContextObjectInputStream(ByteArrayInputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader != null) {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          // fall back to the default resolution below
        }
      }
      return super.resolveClass(desc);
    }
  }
}
