package dev.nproc.pool.internal;

import dev.nproc.core.SerializableFunction;
import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolStats;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link Pool} over the engine. Thread-safe, as the engine is. */
final class BasicPool implements Pool {
  private final PoolEngine engine;

  BasicPool(PoolEngine engine) {
    this.engine = engine;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<Optional<B>> submit(SerializableFunction<A, B> f, A arg) {
    return (CompletableFuture) engine.submit(f, arg, true);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<B> call(SerializableFunction<A, B> f, A arg) {
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
    return "Pool[" + engine.options.name() + ", " + engine.size() + " workers, " + engine.stats() + "]";
  }
}
