package dev.nproc.pool.internal;

import dev.nproc.core.CodecException;
import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.wire.Failure;
import dev.nproc.core.internal.wire.Result;
import dev.nproc.core.internal.wire.ServiceReply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The master's side of a pool whose workers run elsewhere (a cluster pool): the internal SPI
 * that lets it encode tasks, complete their futures and serve Full mode's requests exactly as a
 * local pool does, with the same parts: {@link TaskEncoder} (a function encoded once per function
 * object, the same errors at submit), {@link Outcomes} and {@link Delivery} ({@code submit}'s and
 * {@code call}'s ways, the error log), {@link ServiceBridge} and {@link CallbackRunner} (futures
 * completed and requests served off the threads that read the network). What it does not have is
 * the scheduling: where a task runs is its user's business.
 *
 * <p>Thread-safe: {@link #encode} runs on the callers' threads; the rest on any thread.
 */
public final class RemoteTasks {
  private final EngineConfig config;
  private final TaskEncoder encoder;
  private final UserHooks hooks;
  private final Outcomes outcomes;
  private final ServiceBridge service;
  private final ScheduledThreadPoolExecutor timer;
  private final CallbackRunner callbacks;

  /**
   * Creates the master's side.
   *
   * @param config the settings: codec, maxMessageSize, name, the logs and the exception formatter
   * @param serv the service function of Full mode, or {@code null}
   */
  public RemoteTasks(EngineConfig config, Function<?, ? extends CompletionStage<?>> serv) {
    this.config = config;
    this.hooks = new UserHooks(config);
    this.encoder = new TaskEncoder(config.codec(), config.maxMessageSize(),
        message -> hooks.error("pool " + config.name() + ": " + message));
    this.outcomes = new Outcomes(config.codec(), hooks);
    this.service = new ServiceBridge(serv, config.codec(), config.maxMessageSize());
    this.timer = new ScheduledThreadPoolExecutor(1, CallbackRunner.daemonThreads(config.name() + "-timer-"));
    this.callbacks = new CallbackRunner(config.name(), timer, hooks::error);
  }

  /**
   * Encodes a task on the caller's thread.
   *
   * @param id the task's id, for messages
   * @param f the function
   * @param arg the argument
   * @param asOptional {@code true} for {@code submit}'s way, {@code false} for {@code call}'s
   * @param onCancel told when the caller cancels the task's future
   * @return the task
   * @throws IllegalArgumentException if {@code f} or {@code arg} cannot be serialized, naming the culprit
   */
  public RemoteTask encode(long id, Object f, Object arg, boolean asOptional, Consumer<RemoteTask> onCancel) {
    return new RemoteTask(id, encoder.encode(f, arg), asOptional ? Delivery.AS_OPTIONAL : Delivery.AS_VALUE, onCancel);
  }

  /**
   * Encodes a value that travels once (the init hook, the environment).
   *
   * @param value the value
   * @param what what it is, for the error
   * @return its bytes
   * @throws IllegalArgumentException if it cannot be serialized
   */
  public byte[] encodeValue(Object value, String what) {
    try {
      return config.codec().encode(value);
    } catch (CodecException e) {
      throw new IllegalArgumentException(what + " cannot be serialized: " + e.getMessage(), e);
    }
  }

  /**
   * Completes a task with a worker's answer; call it on a callback thread ({@link #runAll}).
   *
   * @param task the task
   * @param answer a {@link Result} or a {@link Failure}
   * @param where who answered, for messages
   * @return whether the task succeeded (a result that could not be decoded fails it)
   */
  public boolean complete(RemoteTask task, Object answer, String where) {
    if (answer instanceof Result r) {
      return outcomes.succeed(task.task, r, where);
    }
    outcomes.fail(task.task, (Failure) answer, where);
    return false;
  }

  /**
   * Fails a task for a reason of the master's finding (a lost node, no node); on a callback thread.
   *
   * @param task the task
   * @param e the failure
   */
  public void fail(RemoteTask task, TaskFailedException e) {
    outcomes.fail(task.task, e);
  }

  /**
   * Serves a Full mode request; the reply goes to {@code reply} on whatever thread answers.
   *
   * @param requestId the request's id
   * @param request the encoded request
   * @param reply where the reply goes
   */
  public void serve(long requestId, byte[] request, Consumer<ServiceReply> reply) {
    service.serve(requestId, request, reply);
  }

  /**
   * Runs callbacks off the caller's thread, as one batch (see {@link CallbackRunner}).
   *
   * @param batch the callbacks
   */
  public void runAll(List<Runnable> batch) {
    if (!batch.isEmpty()) {
      callbacks.runAll(batch);
    }
  }

  /**
   * Logs an error through the pool's error log.
   *
   * @param message the message
   */
  public void error(String message) {
    hooks.error(message);
  }

  /**
   * Logs information through the pool's info log.
   *
   * @param message the message
   */
  public void info(String message) {
    hooks.info(message);
  }

  /** Stops the callback threads once their work is done. */
  public void shutdown() {
    timer.shutdownNow();
    callbacks.shutdown();
  }

  /**
   * One task of a remote pool, between its encoding and its completion: what travels, and the
   * caller's future. Its fields are immutable, but for the argument, which {@link #forgetArgument}
   * drops once the task has gone.
   */
  public static final class RemoteTask {
    final PendingTask task;

    RemoteTask(long id, TaskEncoder.Encoded encoded, Delivery delivery, Consumer<RemoteTask> onCancel) {
      this.task = new PendingTask(id, encoded.function(), encoded.argument(), encoded.rawArgument(), delivery,
          t -> onCancel.accept(this));
    }

    /**
     * Returns the task's id.
     *
     * @return the id
     */
    public long id() {
      return task.id;
    }

    /**
     * Returns the function's key: the same bytes have the same key; {@code 0} is never cached.
     *
     * @return the key
     */
    public long functionKey() {
      return task.function.id();
    }

    /**
     * Returns the encoded function.
     *
     * @return the bytes
     */
    public byte[] function() {
      return task.function.bytes();
    }

    /**
     * Returns the encoded argument, or {@code null} once forgotten.
     *
     * @return the bytes
     */
    public byte[] argument() {
      return task.argument;
    }

    /**
     * Returns whether the argument is a raw {@code byte[]}.
     *
     * @return whether it is raw
     */
    public boolean rawArgument() {
      return task.rawArgument;
    }

    /** Drops the argument once it has been sent. */
    public void forgetArgument() {
      task.forgetArgument();
    }

    /**
     * Returns the caller's future; cancelling it calls the {@code onCancel} given at encoding.
     *
     * @return the future
     */
    public CompletableFuture<Object> future() {
      return task.future;
    }

    @Override
    public String toString() {
      return task.toString();
    }
  }
}
