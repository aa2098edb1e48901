package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/**
 * A worker confirms that a {@link Revoke}d or {@link Cancel}led task was given back unstarted: it
 * is the master's again, to send elsewhere or (cancelled) to drop. It never ran.
 */
public final class Revoked extends MasterBound {
  private long taskId;

  Revoked() {}

  /**
   * Creates a revoked message.
   *
   * @param taskId the task's id
   */
  public Revoked(long taskId) {
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
    return MessageKind.REVOKED;
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
  public void deliverTo(MasterInbox inbox) {
    inbox.revoked(this);
  }
}
