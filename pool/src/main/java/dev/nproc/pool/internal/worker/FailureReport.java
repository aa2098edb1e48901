package dev.nproc.pool.internal.worker;

import dev.nproc.core.Codec;
import dev.nproc.core.TaskFailedException;
import dev.nproc.core.internal.wire.Failure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;

/**
 * Turns whatever a task threw into a {@link Failure} the master can read, whatever that throwable
 * does: its {@code getMessage}, {@code toString}, {@code getStackTrace} or {@code getCause} may
 * throw, its causes may loop, its serialization may fail, its text may be huge. Each step is
 * guarded on its own, so the report keeps what could be saved and says what could not; the
 * report always fits in a frame. Used by the task thread only.
 */
final class FailureReport {
  private static final byte[] NONE = new byte[0];

  private FailureReport() {}

  /**
   * Describes a throwable.
   *
   * @param taskId the task, or {@link Failure#INIT_TASK_ID}
   * @param kind why the task failed
   * @param t what it threw
   * @param codec the codec, to send the throwable itself when it can travel
   * @param maxMessageSize the largest frame body
   * @return the report
   */
  static Failure of(long taskId, TaskFailedException.Kind kind, Throwable t, Codec codec, int maxMessageSize) {
    String className = t.getClass().getName();
    String message = guarded(t::getMessage, "its getMessage()");
    String trace = guarded(() -> {
      StringWriter out = new StringWriter();
      t.printStackTrace(new PrintWriter(out));
      return out.toString();
    }, "printing its stack trace");
    if (trace.startsWith("(printing")) {
      trace = className + ": " + message + "\n" + trace + "\n" + guarded(() -> frames(t), "its getStackTrace()");
    }
    byte[] encoded;
    try {
      encoded = codec.encode(t);
    } catch (Throwable e) {
      encoded = NONE; // the text above still says what happened
    }
    if (encoded.length > maxMessageSize / 4) {
      encoded = NONE;
    }
    int maxChars = Math.max(256, maxMessageSize / 16);
    return new Failure(taskId, kind, className, cut(message, maxChars), cut(trace, maxChars), encoded);
  }

  private static String frames(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (StackTraceElement frame : t.getStackTrace()) {
      s.append("\tat ").append(frame).append('\n');
    }
    return s.toString();
  }

  /** The supplier's text, or a note that it threw; never throws. */
  private static String guarded(Supplier<String> text, String what) {
    try {
      return text.get();
    } catch (Throwable e) {
      return "(" + what + " threw " + e.getClass().getName() + ")";
    }
  }

  private static String cut(String s, int maxChars) {
    if (s == null || s.length() <= maxChars) {
      return s;
    }
    return s.substring(0, maxChars) + "... (" + (s.length() - maxChars) + " more characters)";
  }
}
