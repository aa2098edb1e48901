package dev.nproc.core.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.nustaq.serialization.FSTBasicObjectSerializer;
import org.nustaq.serialization.FSTClazzInfo;
import org.nustaq.serialization.FSTObjectInput;
import org.nustaq.serialization.FSTObjectOutput;

/**
 * Writes a {@link Form} and reads it back as the value it stands for: a {@link Path} from its
 * URI (in the reader's default file system), an optional, or a JDK value through the JDK's
 * serialization. Stateless and thread-safe.
 *
 * <p>Public only so that {@code dev.nproc.core.FstCodec} can register it; not API.
 */
public final class FormSerializer extends FSTBasicObjectSerializer {
  /** Creates the serializer; {@code FstCodec} registers one for {@link Form}. */
  public FormSerializer() {}

  @Override
  public void writeObject(FSTObjectOutput out, Object toWrite, FSTClazzInfo clzInfo,
                          FSTClazzInfo.FSTFieldInfo referencedBy, int streamPosition) throws IOException {
    Form form = (Form) toWrite;
    out.writeByte(form.kind);
    out.writeObject(form.content);
  }

  @Override
  @SuppressWarnings("rawtypes") // FST's signature
  public Object instantiate(Class objectClass, FSTObjectInput in, FSTClazzInfo serializationInfo,
                            FSTClazzInfo.FSTFieldInfo referencee, int streamPosition) throws Exception {
    byte kind = in.readByte();
    Object content = in.readObject();
    Object value = switch (kind) {
      case Form.PATH -> Path.of(URI.create((String) content));
      case Form.OPTIONAL -> Optional.ofNullable(content);
      case Form.OPTIONAL_INT -> content == null ? OptionalInt.empty() : OptionalInt.of((Integer) content);
      case Form.OPTIONAL_LONG -> content == null ? OptionalLong.empty() : OptionalLong.of((Long) content);
      case Form.OPTIONAL_DOUBLE -> content == null ? OptionalDouble.empty() : OptionalDouble.of((Double) content);
      case Form.JDK -> {
        try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream((byte[]) content))) {
          yield ois.readObject();
        }
      }
      default -> throw new InvalidObjectException("unknown form " + kind);
    };
    in.registerObject(value, streamPosition, serializationInfo, referencee);
    return value;
  }

  @Override
  public void readObject(FSTObjectInput in, Object toRead, FSTClazzInfo clzInfo,
                         FSTClazzInfo.FSTFieldInfo referencedBy) {
    // everything was read in instantiate
  }
}
