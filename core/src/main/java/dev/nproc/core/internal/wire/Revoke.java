package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/**
 * A task taken back from a worker that has not started it: {@link MessageKind#REVOKE} asks for
 * it, {@link MessageKind#REVOKED} confirms it was given back unstarted. A worker that already
 * started the task ignores the request and sends the task's result as usual, so a task runs once.
 */
public final class Revoke extends Message {
  private MessageKind kind;
  private long taskId;

  private Revoke(MessageKind kind) {
    this.kind = kind;
  }

  static Revoke blankRevoke() {
    return new Revoke(MessageKind.REVOKE);
  }

  static Revoke blankRevoked() {
    return new Revoke(MessageKind.REVOKED);
  }

  /**
   * Creates a revoke or revoked message.
   *
   * @param kind {@link MessageKind#REVOKE} or {@link MessageKind#REVOKED}
   * @param taskId the task's id
   */
  public Revoke(MessageKind kind, long taskId) {
    if (kind != MessageKind.REVOKE && kind != MessageKind.REVOKED) {
      throw new IllegalArgumentException("not a revoke kind: " + kind);
    }
    this.kind = kind;
    this.taskId = taskId;
  }

  /** @return the task's id */
  public long taskId() {
    return taskId;
  }

  @Override
  public MessageKind kind() {
    return kind;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeLong(taskId);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    taskId = in.readLong();
  }
}
