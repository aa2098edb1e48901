package dev.nproc.cluster;

import dev.nproc.cluster.internal.ClusterEngine;
import dev.nproc.core.FullFunction;
import dev.nproc.core.SerializableFunction;
import dev.nproc.pool.FullPool;
import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolStats;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The public faces of a {@link ClusterEngine}: a {@link Pool} and a {@link FullPool}, as the local
 * pool has them. Thread-safe, as the engine is.
 *
 * @param <Q> the request type of Full mode
 * @param <R> the answer type of Full mode
 * @param <E> the environment type of Full mode
 */
final class ClusterPoolFace<Q, R, E> implements Pool, FullPool<Q, R, E> {
  private final ClusterEngine engine;
  private final String kind;

  ClusterPoolFace(ClusterEngine engine, String kind) {
    this.engine = engine;
    this.kind = kind;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<Optional<B>> submit(SerializableFunction<A, B> f, A arg) {
    return (CompletableFuture) engine.submit(Objects.requireNonNull(f, "f"), arg, true);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<B> call(SerializableFunction<A, B> f, A arg) {
    return (CompletableFuture) engine.submit(Objects.requireNonNull(f, "f"), arg, false);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<Optional<B>> submit(FullFunction<Q, R, E, A, B> f, A arg) {
    return (CompletableFuture) engine.submit(Objects.requireNonNull(f, "f"), arg, true);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<B> call(FullFunction<Q, R, E, A, B> f, A arg) {
    return (CompletableFuture) engine.submit(Objects.requireNonNull(f, "f"), arg, false);
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    return engine.closeAsync();
  }

  @Override
  public void close() {
    engine.closeAsync().join();
  }

  @Override
  public void terminate() {
    engine.terminate();
  }

  @Override
  public CompletableFuture<Void> whenClosed() {
    return engine.whenClosed();
  }

  @Override
  public int size() {
    return engine.size();
  }

  @Override
  public PoolStats stats() {
    return engine.stats();
  }

  @Override
  public String toString() {
    return kind + "[" + engine.name() + ", " + engine.size() + " workers, " + stats() + "]";
  }
}
