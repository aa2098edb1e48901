/**
 * The FST serializers that {@link dev.nproc.core.FstCodec} registers; not API.
 *
 * <p>{@link dev.nproc.core.internal.codec.RecordSerializer} writes any record through its
 * components and rebuilds it with its canonical constructor.
 * {@link dev.nproc.core.internal.codec.ThrowableSerializer} writes any {@code Throwable} with the
 * JDK's own serialization, so the custom fields of an exception class survive.
 *
 * <p>This package depends only on FST and the JDK; it imports nothing from
 * {@code dev.nproc.core}. The serializers are registered once, when the codec builds its FST
 * configuration, and after that FST calls them from any thread that encodes or decodes. They
 * keep no state between calls (per-class method handles are cached in a {@code ClassValue}), so
 * they are thread-safe.
 */
package dev.nproc.core.internal.codec;
