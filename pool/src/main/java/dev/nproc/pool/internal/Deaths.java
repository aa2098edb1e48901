package dev.nproc.pool.internal;

import java.util.List;

/** How the engine describes a worker's end: signal names and the text of a death report. Stateless. */
final class Deaths {
  private Deaths() {}

  /**
   * Describes how a worker ended, for the error log, the failed task and {@code onWorkerFailure}.
   *
   * @param worker the worker
   * @param killReason why the master killed it, or {@code null}
   * @param initFailure its init hook's failure, or {@code null}
   * @param exitCode its exit code
   * @param cause what went wrong with its stream, or {@code null}
   * @param lastLines its last lines of output
   * @return the description
   */
  static String describe(LiveWorker worker, String killReason, String initFailure, int exitCode, String cause,
                         List<String> lastLines) {
    StringBuilder s = new StringBuilder(worker.toString());
    if (killReason != null) {
      s.append(" was killed: ").append(killReason);
    } else if (initFailure != null) {
      s.append(" failed in its init hook: ").append(initFailure.strip());
      return s.toString();
    } else {
      s.append(" died");
      String signal = signalName(exitCode);
      s.append(signal != null ? " (killed by " + signal + ")" : " (exit code " + exitCode + ")");
      if (cause != null) {
        s.append(": ").append(cause);
      }
    }
    if (lastLines.stream().anyMatch(l -> l.contains("OutOfMemoryError"))) {
      s.append(" — out of memory");
    }
    if (!lastLines.isEmpty() && killReason == null) {
      List<String> tail = lastLines.subList(Math.max(0, lastLines.size() - 5), lastLines.size());
      s.append("; its last output:\n  ").append(String.join("\n  ", tail));
    }
    return s.toString();
  }

  /**
   * Whether a death came from a signal someone else sends to stop a process, rather than from
   * the worker itself: such deaths during start-up are not a crash loop.
   *
   * @param exitCode the exit code
   * @return whether it did
   */
  static boolean killedFromOutside(int exitCode) {
    String signal = signalName(exitCode);
    return "SIGKILL".equals(signal) || "SIGTERM".equals(signal) || "SIGINT".equals(signal) || "SIGHUP".equals(signal);
  }

  /**
   * Returns the name of the signal an exit code stands for (128 + n).
   *
   * @param exitCode the exit code
   * @return the name, or {@code null}
   */
  static String signalName(int exitCode) {
    return switch (exitCode - 128) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 3 -> "SIGQUIT";
      case 4 -> "SIGILL";
      case 6 -> "SIGABRT";
      case 7 -> "SIGBUS";
      case 8 -> "SIGFPE";
      case 9 -> "SIGKILL";
      case 11 -> "SIGSEGV";
      case 13 -> "SIGPIPE";
      case 15 -> "SIGTERM";
      default -> null;
    };
  }
}
