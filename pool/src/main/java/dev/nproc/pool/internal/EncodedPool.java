package dev.nproc.pool.internal;

import dev.nproc.core.internal.wire.Failure;
import dev.nproc.core.internal.wire.Result;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A pool of local worker JVMs that runs tasks encoded elsewhere: the internal SPI a cluster node
 * runs its masters' sessions on. It is the same {@link PoolEngine} as a local pool's (dispatch,
 * pipelining, supervision, time-outs, Full mode), fed with bytes: the function, the argument, the
 * init hook and the environment arrive encoded and reach the workers as they are, and each task's
 * outcome is the worker's answer still encoded ({@link Result} or {@link Failure}). So whoever
 * runs it never decodes a user object, and needs none of the user's classes.
 *
 * <p>A function is named by the caller's key (its id in the caller's {@code FunctionRegistry}):
 * the engine sends a function's bytes to each worker once and names it by that key afterwards.
 * The caller must give the same bytes for a key every time, and {@code 0} for a function that is
 * never cached.
 *
 * <p>Full mode's service requests reach {@code serv} as bytes; its answers (bytes) go back to the
 * worker as they are, and a failed answer's message is the text the worker's {@code request}
 * throws with.
 *
 * <p>Thread-safe, as the engine is.
 */
public final class EncodedPool {
  private final PoolEngine engine;

  private EncodedPool(PoolEngine engine) {
    this.engine = engine;
  }

  /**
   * Starts {@code nproc} local workers and waits until each is ready or has failed to start.
   *
   * @param nproc the number of workers
   * @param config the settings (its codec is the one the workers decode with)
   * @param initBytes the encoded init hook, or an empty array
   * @param envBytes the encoded environment of Full mode, or an empty array
   * @param serv the service of Full mode, bytes in and out, or {@code null} for a basic pool
   * @return the pool, with at least one worker ready
   * @throws IllegalStateException if this JVM lacks nproc's flags or no worker could start
   */
  public static EncodedPool start(int nproc, EngineConfig config, byte[] initBytes, byte[] envBytes,
                                  Function<byte[], ? extends CompletionStage<byte[]>> serv) {
    EngineStartup.checkThisJvm(nproc, config);
    EngineStartup.checkEnvironmentSize(envBytes.length, config.maxMessageSize());
    ServiceBridge service = ServiceBridge.passThrough(serv, config.maxMessageSize());
    return new EncodedPool(EngineStartup.launch(nproc, service, Objects.requireNonNull(initBytes, "initBytes"),
        envBytes, config));
  }

  /**
   * Queues an encoded task; waits, as a local pool's submit does, while the pool is full.
   *
   * @param functionKey the function's key, or {@code 0} if it is never cached
   * @param function the encoded function
   * @param argument the encoded argument, or the raw bytes of a {@code byte[]} argument
   * @param rawArgument whether {@code argument} is a raw {@code byte[]}
   * @return the future of the worker's answer: a {@link Result}, or a {@link Failure} (one with a
   *     {@code null} class name for a failure of the pool's own finding: a death, a time-out)
   * @throws java.util.concurrent.RejectedExecutionException once the pool is closing or terminated
   */
  public CompletableFuture<Object> submit(long functionKey, byte[] function, byte[] argument, boolean rawArgument) {
    return engine.submitEncoded(new TaskEncoder.Encoded(new FunctionRegistry.Encoded(functionKey, function), argument,
        rawArgument));
  }

  /**
   * Stops taking tasks; the workers exit once the submitted ones are done.
   *
   * @return a future that completes once every worker has exited
   */
  public CompletableFuture<Void> closeAsync() {
    return engine.closeAsync();
  }

  /** Kills every worker now; unfinished futures are cancelled. */
  public void terminate() {
    engine.terminate();
  }

  /**
   * Returns a future that completes once the pool has shut down.
   *
   * @return a future that completes once every worker has exited
   */
  public CompletableFuture<Void> whenClosed() {
    return engine.whenClosed();
  }

  /**
   * Returns the number of workers.
   *
   * @return the number of workers
   */
  public int size() {
    return engine.size();
  }

  /**
   * Returns a snapshot of the counters.
   *
   * @return a snapshot of the counters
   */
  public EngineStats stats() {
    return engine.stats();
  }
}
