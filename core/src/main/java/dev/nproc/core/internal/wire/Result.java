package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/** A task's result, encoded by the codec. */
public final class Result extends MasterBound {
  private long taskId;
  private byte[] value = NONE;
  private boolean rawValue;

  Result() {}

  /**
   * Creates a result message.
   *
   * @param taskId the task's id
   * @param value the encoded result
   */
  public Result(long taskId, byte[] value) {
    this(taskId, value, false);
  }

  /**
   * Creates a result message whose value may be a {@code byte[]} sent as it is.
   *
   * @param taskId the task's id
   * @param value the encoded result, or the result itself when {@code rawValue}
   * @param rawValue whether the result is a {@code byte[]} that did not go through the codec
   */
  public Result(long taskId, byte[] value, boolean rawValue) {
    this.taskId = taskId;
    this.value = value;
    this.rawValue = rawValue;
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
   * Returns the encoded result, or the result itself when {@link #rawValue()}.
   *
   * @return the encoded result, or the result itself when {@link #rawValue()}
   */
  public byte[] value() {
    return value;
  }

  /**
   * Returns whether the result is a {@code byte[]} sent as it is, without the codec.
   *
   * @return whether the result is a {@code byte[]} sent as it is, without the codec
   */
  public boolean rawValue() {
    return rawValue;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.RESULT;
  }

  @Override
  protected byte[] payload() {
    return value;
  }

  @Override
  protected void payload(byte[] payload) {
    value = payload;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeLong(taskId);
    out.writeBoolean(rawValue);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    taskId = in.readLong();
    rawValue = in.readBoolean();
  }

  @Override
  public void deliverTo(MasterInbox inbox) {
    inbox.result(this);
  }
}
