package dev.nproc.pool.internal;

import dev.nproc.core.FullFunction;
import dev.nproc.pool.FullPool;
import dev.nproc.pool.PoolStats;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link FullPool} over the engine. Thread-safe, as the engine is. */
final class FullPoolFace<Q, R, E> implements FullPool<Q, R, E> {
  private final PoolEngine engine;

  FullPoolFace(PoolEngine engine) {
    this.engine = engine;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<Optional<B>> submit(FullFunction<Q, R, E, A, B> f, A arg) {
    return (CompletableFuture) engine.submit(f, arg, true);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<B> call(FullFunction<Q, R, E, A, B> f, A arg) {
    return (CompletableFuture) engine.submit(f, arg, false);
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
    return "FullPool[" + engine.options.name() + ", " + engine.size() + " workers, " + engine.stats() + "]";
  }
}
