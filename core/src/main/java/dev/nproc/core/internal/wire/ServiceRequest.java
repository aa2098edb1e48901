package dev.nproc.core.internal.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/** A running task asks the master's service something (Full mode). */
public final class ServiceRequest extends MasterBound {
  private long taskId;
  private long requestId;
  private byte[] request = NONE;

  ServiceRequest() {}

  /**
   * Creates a request message.
   *
   * @param taskId the id of the task that asks
   * @param requestId the request's id, unique in the worker
   * @param request the encoded request
   */
  public ServiceRequest(long taskId, long requestId, byte[] request) {
    this.taskId = taskId;
    this.requestId = requestId;
    this.request = request;
  }

  /**
   * Returns the id of the task that asks.
   *
   * @return the id of the task that asks
   */
  public long taskId() {
    return taskId;
  }

  /**
   * Returns the request's id.
   *
   * @return the request's id
   */
  public long requestId() {
    return requestId;
  }

  /**
   * Returns the encoded request.
   *
   * @return the encoded request
   */
  public byte[] request() {
    return request;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.SERVICE_REQUEST;
  }

  @Override
  protected byte[] payload() {
    return request;
  }

  @Override
  protected void payload(byte[] payload) {
    request = payload;
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeLong(taskId);
    out.writeLong(requestId);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    taskId = in.readLong();
    requestId = in.readLong();
  }

  @Override
  public void deliverTo(MasterInbox inbox) {
    inbox.serviceRequest(this);
  }
}
