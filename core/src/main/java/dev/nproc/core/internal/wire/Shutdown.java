package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/** The master tells a worker to finish the tasks it has received and exit. */
public final class Shutdown extends WorkerBound {
  /** Creates a shutdown message. */
  public Shutdown() {}

  @Override
  public MessageKind kind() {
    return MessageKind.SHUTDOWN;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    // no fields
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    // no fields
  }

  @Override
  public void deliverTo(WorkerInbox inbox) {
    inbox.shutdown(this);
  }
}
