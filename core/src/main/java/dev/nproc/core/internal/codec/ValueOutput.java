package dev.nproc.core.internal.codec;

import java.io.IOException;
import org.nustaq.serialization.FSTClazzInfo;
import org.nustaq.serialization.FSTConfiguration;
import org.nustaq.serialization.FSTObjectOutput;

/**
 * FST's output with nproc's {@link TravelRule} applied to every object written, at any depth:
 * a value that may not travel is refused before FST inspects its class (so no FST reflection
 * error, such as a request for {@code --add-opens}, reaches the user), and a value that travels
 * in another form is replaced by its {@link Form}.
 *
 * <p>Not thread-safe: {@code FstCodec} keeps one per thread.
 *
 * <p>Public only so that {@code dev.nproc.core.FstCodec} can create it; not API.
 */
public final class ValueOutput extends FSTObjectOutput {
  /**
   * Creates an output on a configuration.
   *
   * @param conf the configuration
   */
  public ValueOutput(FSTConfiguration conf) {
    super(conf);
  }

  @Override
  protected FSTClazzInfo writeObjectWithContext(FSTClazzInfo.FSTFieldInfo referencee, Object toWrite,
                                               FSTClazzInfo ci) throws IOException {
    if (toWrite != null) {
      Object substitute = TravelRule.substitute(toWrite);
      if (substitute != toWrite) {
        return super.writeObjectWithContext(referencee, substitute, null);
      }
    }
    return super.writeObjectWithContext(referencee, toWrite, ci);
  }
}
