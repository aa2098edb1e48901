package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/**
 * Run a function on an argument. The function travels once per worker: it is named by
 * {@code functionId}, and its bytes are sent only when the worker does not hold it yet.
 */
public final class Task extends WorkerBound {
  private long taskId;
  private long functionId;
  private byte[] function = NONE;
  private byte[] argument = NONE;
  private boolean rawArgument;

  Task() {}

  /**
   * Creates a task message.
   *
   * @param taskId the task's id, unique in the pool
   * @param functionId the function's id in the worker's function cache
   * @param function the encoded function, or empty when the worker already holds it
   * @param argument the encoded argument
   */
  public Task(long taskId, long functionId, byte[] function, byte[] argument) {
    this(taskId, functionId, function, argument, false);
  }

  /**
   * Creates a task message whose argument may be a {@code byte[]} sent as it is.
   *
   * @param taskId the task's id, unique in the pool
   * @param functionId the function's id in the worker's function cache
   * @param function the encoded function, or empty when the worker already holds it
   * @param argument the encoded argument, or the argument itself when {@code rawArgument}
   * @param rawArgument whether the argument is a {@code byte[]} that did not go through the codec
   */
  public Task(long taskId, long functionId, byte[] function, byte[] argument, boolean rawArgument) {
    this.taskId = taskId;
    this.functionId = functionId;
    this.function = function;
    this.argument = argument;
    this.rawArgument = rawArgument;
  }

  /**
   * Returns the task's id.
   *
   * @return the task's id
   */
  public long taskId() {
    return taskId;
  }

  /**
   * Returns the function's id.
   *
   * @return the function's id
   */
  public long functionId() {
    return functionId;
  }

  /**
   * Returns the encoded function, empty when the worker holds it already.
   *
   * @return the encoded function, empty when the worker holds it already
   */
  public byte[] function() {
    return function;
  }

  /**
   * Returns the encoded argument, or the argument itself when {@link #rawArgument()}.
   *
   * @return the encoded argument, or the argument itself when {@link #rawArgument()}
   */
  public byte[] argument() {
    return argument;
  }

  /**
   * Returns whether the argument is a {@code byte[]} sent as it is, without the codec.
   *
   * @return whether the argument is a {@code byte[]} sent as it is, without the codec
   */
  public boolean rawArgument() {
    return rawArgument;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.TASK;
  }

  @Override
  protected int sizeHint() {
    return 64 + function.length;
  }

  @Override
  protected byte[] payload() {
    return argument;
  }

  @Override
  protected void payload(byte[] payload) {
    argument = payload;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeLong(taskId);
    out.writeLong(functionId);
    writeBytes(out, function);
    out.writeBoolean(rawArgument);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    taskId = in.readLong();
    functionId = in.readLong();
    function = readBytes(in);
    rawArgument = in.readBoolean();
  }

  @Override
  public void deliverTo(WorkerInbox inbox) {
    inbox.task(this);
  }
}
