package dev.nproc.stream.internal;

import dev.nproc.core.SerializableFunction;
import java.util.ArrayList;
import java.util.Objects;

/**
 * The task sent for every chunk of a basic-mode iteration: applies the user's function to each
 * element of the chunk, in order. One instance is made per iteration and sent with every chunk,
 * so its encoded bytes are the same each time and the pool's function cache sends it to each
 * worker once. Its argument is a chunk in the form {@link #argument} gives it; its result is the
 * chunk's outcome in the wire form of {@link ChunkResult#read}.
 *
 * <p>Immutable; thread-safe if the user's function is.
 *
 * @param <A> the element type
 * @param <B> the result type
 */
public final class ChunkFunction<A, B> implements SerializableFunction<Object, Object> {
  private static final long serialVersionUID = 1L;

  /** The user's function, serialized with this wrapper. */
  private final SerializableFunction<A, B> f;

  /**
   * Wraps a user's function.
   *
   * @param f the function applied to each element
   */
  public ChunkFunction(SerializableFunction<A, B> f) {
    this.f = Objects.requireNonNull(f, "f");
  }

  /**
   * Returns what to send for a chunk: the chunk itself, or, for a chunk of one {@code byte[]},
   * that array alone, which the pool sends as it is, without the codec; {@link #apply} takes
   * either.
   *
   * @param chunk the chunk
   * @return the task's argument
   */
  public static Object argument(ArrayList<?> chunk) {
    return chunk.size() == 1 && chunk.get(0) instanceof byte[] bytes ? bytes : chunk;
  }

  @Override
  public Object apply(Object chunk) {
    return ChunkRunner.run(ChunkRunner.elements(chunk), f::apply);
  }
}
