package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/**
 * The master asks a worker to give back a task it received but has not started, so that an idle
 * worker can run it. A worker that already started the task ignores the request and sends the
 * task's result as usual, so a task runs once; one that had not answers {@link Revoked}.
 */
public final class Revoke extends WorkerBound {
  private long taskId;

  Revoke() {}

  /**
   * Creates a revoke message.
   *
   * @param taskId the task's id
   */
  public Revoke(long taskId) {
    this.taskId = taskId;
  }

  /**
   * Returns the task's id.
   *
   * @return the task's id
   */
  public long taskId() {
    return taskId;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.REVOKE;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeLong(taskId);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    taskId = in.readLong();
  }

  @Override
  public void deliverTo(WorkerInbox inbox) {
    inbox.revoke(this);
  }
}
