package dev.nproc.core.internal.codec;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import org.nustaq.serialization.FSTBasicObjectSerializer;
import org.nustaq.serialization.FSTClazzInfo;
import org.nustaq.serialization.FSTObjectInput;
import org.nustaq.serialization.FSTObjectOutput;

/**
 * Serializes any record through its components and rebuilds it with its canonical constructor,
 * so the record's invariants hold (FST on its own would bypass the constructor and fail on the
 * final fields). Thread-safe: the per-class handles are computed once by a {@link ClassValue}.
 *
 * <p>Public only so that {@code dev.nproc.core.FstCodec} can register it; not API.
 */
public final class RecordSerializer extends FSTBasicObjectSerializer {
  private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
    @Override
    protected Shape computeValue(Class<?> type) {
      return Shape.of(type);
    }
  };

  /** The accessors and the canonical constructor of one record class. */
  private record Shape(MethodHandle[] accessors, MethodHandle constructor) {
    static Shape of(Class<?> type) {
      try {
        RecordComponent[] components = type.getRecordComponents();
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        MethodHandle[] accessors = new MethodHandle[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
          accessors[i] = lookup.unreflect(components[i].getAccessor())
              .asType(MethodType.methodType(Object.class, Object.class));
          types[i] = components[i].getType();
        }
        MethodHandle constructor = lookup.findConstructor(type, MethodType.methodType(void.class, types))
            .asSpreader(Object[].class, types.length)
            .asType(MethodType.methodType(Object.class, Object[].class));
        return new Shape(accessors, constructor);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalStateException("cannot serialize record " + type.getName() + ": " + e, e);
      }
    }
  }

  /** Creates a record serializer; {@code FstCodec} registers one for all records. */
  public RecordSerializer() {}

  @Override
  public void writeObject(FSTObjectOutput out, Object toWrite, FSTClazzInfo clzInfo,
                          FSTClazzInfo.FSTFieldInfo referencedBy, int streamPosition) throws IOException {
    Shape shape = SHAPES.get(toWrite.getClass());
    for (MethodHandle accessor : shape.accessors()) {
      try {
        out.writeObject(accessor.invokeExact(toWrite));
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IOException(t);
      }
    }
  }

  @Override
  @SuppressWarnings("rawtypes") // FST's signature
  public Object instantiate(Class objectClass, FSTObjectInput in, FSTClazzInfo serializationInfo,
                            FSTClazzInfo.FSTFieldInfo referencee, int streamPosition) throws Exception {
    Shape shape = SHAPES.get(objectClass);
    Object[] values = new Object[shape.accessors().length];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readObject();
    }
    Object record;
    try {
      record = shape.constructor().invokeExact(values);
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    in.registerObject(record, streamPosition, serializationInfo, referencee);
    return record;
  }

  @Override
  public void readObject(FSTObjectInput in, Object toRead, FSTClazzInfo clzInfo,
                         FSTClazzInfo.FSTFieldInfo referencedBy) {
    // everything was read in instantiate
  }
}
