package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/** The worker has run its init hook and takes tasks. */
public final class Ready extends MasterBound {
  private long pid;

  Ready() {}

  /**
   * Creates a ready message.
   *
   * @param pid the worker's process id
   */
  public Ready(long pid) {
    this.pid = pid;
  }

  /**
   * Returns the worker's process id.
   *
   * @return the worker's process id
   */
  public long pid() {
    return pid;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.READY;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeLong(pid);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    pid = in.readLong();
  }

  @Override
  public void deliverTo(MasterInbox inbox) {
    inbox.ready(this);
  }
}
