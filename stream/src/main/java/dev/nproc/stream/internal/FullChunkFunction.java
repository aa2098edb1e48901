package dev.nproc.stream.internal;

import dev.nproc.core.FullFunction;
import dev.nproc.core.Service;
import java.util.List;
import java.util.Objects;

/**
 * The task sent for every chunk of a Full-mode iteration: applies the user's function, with the
 * worker's service and environment, to each element of the chunk, in order. One instance per
 * iteration, so it travels to each worker once. Its result is the chunk's outcome in the wire
 * form of {@link ChunkResult#read}; its argument, a chunk in the form
 * {@link ChunkFunction#argument} gives it.
 *
 * <p>Immutable; thread-safe if the user's function is.
 *
 * @param <Q> the request type
 * @param <R> the answer type
 * @param <E> the environment type
 * @param <A> the element type
 * @param <B> the result type
 */
public final class FullChunkFunction<Q, R, E, A, B> implements FullFunction<Q, R, E, Object, Object> {
  private static final long serialVersionUID = 1L;

  /** The user's function, serialized with this wrapper. */
  private final FullFunction<Q, R, E, A, B> f;

  /**
   * Wraps a user's function.
   *
   * @param f the function applied to each element
   */
  public FullChunkFunction(FullFunction<Q, R, E, A, B> f) {
    this.f = Objects.requireNonNull(f, "f");
  }

  @Override
  public Object apply(Service<Q, R> serv, E env, Object chunk) {
    List<A> elements = ChunkRunner.elements(chunk);
    return ChunkRunner.run(elements, a -> f.apply(serv, env, a));
  }
}
