package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/**
 * The master cancels a task its caller no longer wants. A worker that holds the task unstarted
 * drops it and answers {@link Revoked}: it never runs. A worker that runs it interrupts the task's
 * thread; the task's outcome, when it comes, is sent as usual and the master drops it. A worker
 * that no longer holds it ignores the message.
 */
public final class Cancel extends WorkerBound {
  private long taskId;

  Cancel() {}

  /**
   * Creates a cancel message.
   *
   * @param taskId the task's id
   */
  public Cancel(long taskId) {
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
    return MessageKind.CANCEL;
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
    inbox.cancel(this);
  }
}
