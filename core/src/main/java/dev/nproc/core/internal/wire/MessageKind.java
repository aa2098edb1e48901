package dev.nproc.core.internal.wire;

import java.util.function.Supplier;

/** The kinds of message of nproc's protocol, each with the code that stands for it in a frame. */
public enum MessageKind {
  /** Worker to master, first: magic number, protocol version, pid. */
  HELLO(1, Hello::new),
  /** Master to worker, first: who the worker is, its init hook and its environment. */
  INIT(2, Init::new),
  /** Worker to master: init done, ready for tasks. */
  READY(3, Ready::new),
  /** Master to worker: run a function on an argument. */
  TASK(4, Task::new),
  /** Worker to master: a task's result. */
  RESULT(5, Result::new),
  /** Worker to master: a task (or init) failed. */
  FAILURE(6, Failure::new),
  /** Worker to master: a running task asks the master's service something. */
  SERVICE_REQUEST(7, ServiceRequest::new),
  /** Master to worker: the service's answer to a request. */
  SERVICE_REPLY(8, ServiceReply::new),
  /** Master to worker: finish the tasks received, then exit. */
  SHUTDOWN(9, Shutdown::new),
  /** Master to worker: give back a task received but not started, so an idle worker can run it. */
  REVOKE(10, Revoke::new),
  /** Worker to master: the revoked task was given back unstarted; it is the master's again. */
  REVOKED(11, Revoked::new),
  /** Master to worker: the task's caller cancelled it; drop it unstarted, or interrupt it. */
  CANCEL(12, Cancel::new);

  private static final MessageKind[] BY_CODE = new MessageKind[16];

  static {
    for (MessageKind kind : values()) {
      BY_CODE[kind.code] = kind;
    }
  }

  private final byte code;
  private final Supplier<Message> factory;

  MessageKind(int code, Supplier<Message> factory) {
    this.code = (byte) code;
    this.factory = factory;
  }

  /**
   * Returns the byte that stands for this kind in a frame.
   *
   * @return the code
   */
  public byte code() {
    return code;
  }

  Message newMessage() {
    return factory.get();
  }

  /**
   * Returns the kind a code stands for.
   *
   * @param code the code read from a frame
   * @return the kind
   * @throws ProtocolException if no kind has that code
   */
  public static MessageKind of(byte code) {
    MessageKind kind = code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (kind == null) {
      throw new ProtocolException("unknown message kind " + code);
    }
    return kind;
  }
}
