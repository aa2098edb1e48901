package dev.nproc.core;

/**
 * How a pool turns payloads (functions, arguments, results, exceptions, environments) into
 * bytes and back. The envelope around them is nproc's own; a codec sees only payloads.
 *
 * <p>The master and every worker use the same codec: a pool names the codec's class to each
 * worker, which creates its own instance through a public no-argument constructor. So an
 * implementation must have one, and must be on the workers' classpath. Implementations must be
 * thread-safe.
 *
 * <p>A task's argument or result that is a {@code byte[]} does not go through the codec: the
 * pool sends the array as it is (a copy of it, taken at {@code submit}), which spares large
 * binary payloads two copies.
 */
public interface Codec {
  /**
   * Encodes a value.
   *
   * @param value the value, possibly {@code null}
   * @return the encoded bytes
   * @throws CodecException if the value, or something it refers to, cannot be encoded
   */
  byte[] encode(Object value);

  /**
   * Decodes a value encoded by {@link #encode}.
   *
   * @param bytes the buffer holding the encoded value
   * @param offset where the value starts in {@code bytes}
   * @param length how many bytes it takes
   * @return the decoded value, possibly {@code null}
   * @throws CodecException if the bytes cannot be decoded, for example because a class is missing
   */
  Object decode(byte[] bytes, int offset, int length);

  /**
   * Returns the default codec, an {@link FstCodec}: built on FST, with support for records and
   * for exceptions with custom fields. One FST configuration is shared by the whole JVM.
   *
   * @return a new FST codec
   */
  static Codec fst() {
    return new FstCodec();
  }
}
