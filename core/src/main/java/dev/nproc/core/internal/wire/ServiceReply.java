package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/** The master's answer to a {@link ServiceRequest}: a value, or why there is none. */
public final class ServiceReply extends WorkerBound {
  private long requestId;
  private byte[] response = NONE;
  private String error;

  ServiceReply() {}

  /**
   * Creates a reply message.
   *
   * @param requestId the id of the request answered
   * @param response the encoded answer (ignored when {@code error} is set)
   * @param error why the service failed, or {@code null} when it answered
   */
  public ServiceReply(long requestId, byte[] response, String error) {
    this.requestId = requestId;
    this.response = response;
    this.error = error;
  }

  /**
   * Returns the id of the request answered.
   *
   * @return the id of the request answered
   */
  public long requestId() {
    return requestId;
  }

  /**
   * Returns the encoded answer.
   *
   * @return the encoded answer
   */
  public byte[] response() {
    return response;
  }

  /**
   * Returns why the service failed, or {@code null} when it answered.
   *
   * @return why the service failed, or {@code null} when it answered
   */
  public String error() {
    return error;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.SERVICE_REPLY;
  }

  @Override
  protected int sizeHint() {
    return 64 + (error == null ? 0 : 3 * error.length());
  }

  @Override
  protected byte[] payload() {
    return response;
  }

  @Override
  protected void payload(byte[] payload) {
    response = payload;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeLong(requestId);
    writeText(out, error);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    requestId = in.readLong();
    error = readText(in);
  }

  @Override
  public void deliverTo(WorkerInbox inbox) {
    inbox.serviceReply(this);
  }
}
