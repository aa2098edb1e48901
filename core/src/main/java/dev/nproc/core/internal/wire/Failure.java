package dev.nproc.core.internal.wire;

import dev.nproc.core.TaskFailedException;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/**
 * A task, or a worker's init hook, failed in the worker. The exception travels twice: as text
 * (class name, message, stack trace), which always arrives, and encoded, which the master uses
 * as the cause when it can decode it.
 */
public final class Failure extends MasterBound {
  /** The task id a failure of the init hook carries. */
  public static final long INIT_TASK_ID = -1;

  private long taskId;
  private TaskFailedException.Kind failureKind;
  private String className;
  private String message;
  private String stackTrace;
  private byte[] exception = NONE;

  Failure() {}

  /**
   * Creates a failure message.
   *
   * @param taskId the task's id, or {@link #INIT_TASK_ID}
   * @param failureKind why it failed
   * @param className the class of the exception thrown
   * @param message the exception's message, or {@code null}
   * @param stackTrace the exception's stack trace as text
   * @param exception the encoded exception, or empty if it could not be encoded
   */
  public Failure(long taskId, TaskFailedException.Kind failureKind, String className, String message,
                 String stackTrace, byte[] exception) {
    this.taskId = taskId;
    this.failureKind = failureKind;
    this.className = className;
    this.message = message;
    this.stackTrace = stackTrace;
    this.exception = exception;
  }

  /**
   * Returns the task's id, or {@link #INIT_TASK_ID}.
   *
   * @return the task's id, or {@link #INIT_TASK_ID}
   */
  public long taskId() {
    return taskId;
  }

  /**
   * Returns why the task failed.
   *
   * @return why the task failed
   */
  public TaskFailedException.Kind failureKind() {
    return failureKind;
  }

  /** @return the class name of the exception thrown */
  public String className() {
    return className;
  }

  /**
   * Returns the exception's message, or {@code null}.
   *
   * @return the exception's message, or {@code null}
   */
  public String message() {
    return message;
  }

  /**
   * Returns the exception's stack trace as text.
   *
   * @return the exception's stack trace as text
   */
  public String stackTrace() {
    return stackTrace;
  }

  /**
   * Returns the encoded exception, empty if it could not be encoded.
   *
   * @return the encoded exception, empty if it could not be encoded
   */
  public byte[] exception() {
    return exception;
  }

  @Override
  public MessageKind kind() {
    return MessageKind.FAILURE;
  }

  @Override
  protected int sizeHint() {
    return 64 + exception.length + (stackTrace == null ? 0 : 3 * stackTrace.length());
  }

  @Override
  protected void writeBody(BytesOut<?> out) {
    out.writeLong(taskId);
    out.writeByte(FailureKindCodes.code(failureKind));
    writeText(out, className);
    writeText(out, message);
    writeText(out, stackTrace);
    writeBytes(out, exception);
  }

  @Override
  protected void readBody(BytesIn<?> in) {
    taskId = in.readLong();
    failureKind = FailureKindCodes.kind(in.readByte());
    className = readText(in);
    message = readText(in);
    stackTrace = readText(in);
    exception = readBytes(in);
  }

  @Override
  public void deliverTo(MasterInbox inbox) {
    inbox.failure(this);
  }
}
