package dev.nproc.pool;

import dev.nproc.core.FullFunction;
import dev.nproc.core.SerializableFunction;
import dev.nproc.pool.internal.EngineConfig;
import dev.nproc.pool.internal.EngineStartup;
import dev.nproc.pool.internal.EngineStats;
import dev.nproc.pool.internal.PoolEngine;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A pool of local worker JVMs: the public faces of the engine. A {@link Pool} and a
 * {@link FullPool} are the same class over the same engine; each user sees the interface its
 * factory returned. It translates between the public types and the engine's own
 * ({@link PoolOptions} to {@link EngineConfig}, {@link EngineStats} to {@link PoolStats}, a
 * worker's death to {@link WorkerFailure}), so that the engine never depends on this package.
 *
 * <p>Thread-safe, as the engine is.
 *
 * @param <Q> the request type of Full mode
 * @param <R> the answer type of Full mode
 * @param <E> the environment type of Full mode
 */
final class LocalPool<Q, R, E> implements Pool, FullPool<Q, R, E> {
  private final PoolEngine engine;
  private final String kind;

  private LocalPool(PoolEngine engine, String kind) {
    this.engine = engine;
    this.kind = kind;
  }

  static Pool start(int nproc, PoolOptions options) {
    return new LocalPool<>(EngineStartup.start(nproc, null, null, config(options)), "Pool");
  }

  static <Q, R, E> FullPool<Q, R, E> startFull(int nproc, Function<Q, CompletionStage<R>> serv, E env,
                                               PoolOptions options) {
    Objects.requireNonNull(serv, "serv");
    return new LocalPool<>(EngineStartup.start(nproc, serv, env, config(options)), "FullPool");
  }

  static EngineConfig config(PoolOptions o) {
    Objects.requireNonNull(o, "options");
    return new EngineConfig(o.name(), o.codec(), o.init(), o.jvmArgs(), o.javaHome(), o.classpath(),
        o.environment(), o.workingDirectory(), o.workerOutput().directory(), o.workerOutput().isDiscard(),
        o.taskTimeout(), o.cancelGrace(), o.endChildProcesses(), o.maxTasksPerWorker(), o.respawn(), o.startupTimeout(), o.maxMessageSize(),
        o.pipelineDepth(), o.pipelineBytes(), o.maxPendingTasks(), o.maxPendingBytes(),
        death -> o.onWorkerFailure().accept(new WorkerFailure(death.worker(), death.exitCode(), death.signal(),
            death.reason(), death.lastOutput())),
        o.errorLog(), o.infoLog(), o.exceptionFormatter());
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<Optional<B>> submit(SerializableFunction<A, B> f, A arg) {
    return (CompletableFuture) engine.submit(f, arg);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<B> call(SerializableFunction<A, B> f, A arg) {
    return (CompletableFuture) engine.call(f, arg);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<Optional<B>> submit(FullFunction<Q, R, E, A, B> f, A arg) {
    return (CompletableFuture) engine.submit(f, arg);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, B> CompletableFuture<B> call(FullFunction<Q, R, E, A, B> f, A arg) {
    return (CompletableFuture) engine.call(f, arg);
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
    EngineStats s = engine.stats();
    return new PoolStats(s.submitted(), s.completed(), s.failed(), s.cancelled(), s.inFlight(), s.queued(),
        s.workerRestarts());
  }

  @Override
  public String toString() {
    return kind + "[" + engine.name() + ", " + engine.size() + " workers, " + stats() + "]";
  }
}
