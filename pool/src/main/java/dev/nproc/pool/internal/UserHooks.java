package dev.nproc.pool.internal;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The user's code that the pool calls on its own: {@code errorLog}, {@code infoLog},
 * {@code exceptionFormatter} and {@code onWorkerFailure}, each call guarded. A hook that throws
 * is reported to {@code errorLog} (or, when {@code errorLog} is the culprit, to standard error)
 * and the pool goes on; it never leaves a future pending or a worker unreplaced. The engine calls
 * these on its callback threads, after its state is settled and outside its lock, so a hook that
 * blocks delays only itself.
 *
 * <p>Thread-safe, as far as the user's hooks are.
 */
final class UserHooks {
  private final String pool;
  private final Consumer<String> errorLog;
  private final Consumer<String> infoLog;
  private final Function<Throwable, String> exceptionFormatter;
  private final Consumer<WorkerDeath> onWorkerFailure;

  UserHooks(EngineConfig config) {
    this.pool = config.name();
    this.errorLog = config.errorLog();
    this.infoLog = config.infoLog();
    this.exceptionFormatter = config.exceptionFormatter();
    this.onWorkerFailure = config.onWorkerFailure();
  }

  /** Logs an error; if {@code errorLog} throws, the message goes to standard error. */
  void error(String message) {
    try {
      errorLog.accept(message);
    } catch (Throwable e) {
      PrintStream err = System.err;
      err.println("nproc: pool " + pool + ": errorLog threw " + e.getClass().getName() + "; what it was given:\n"
          + message);
    }
  }

  /** Logs an error with a throwable, formatted by {@code exceptionFormatter}. */
  void error(String message, Throwable t) {
    error(message + "\n" + format(t));
  }

  /** Logs information; a throwing {@code infoLog} is reported as an error. */
  void info(String message) {
    try {
      infoLog.accept(message);
    } catch (Throwable e) {
      error("pool " + pool + ": infoLog threw; what it was given: " + message, e);
    }
  }

  /** Tells {@code onWorkerFailure}; a throw is reported as an error. */
  void workerFailed(WorkerDeath death) {
    try {
      onWorkerFailure.accept(death);
    } catch (Throwable e) {
      error("pool " + pool + ": onWorkerFailure threw", e);
    }
  }

  /** Formats a throwable with {@code exceptionFormatter}, or with its stack trace if that throws. */
  String format(Throwable t) {
    try {
      return exceptionFormatter.apply(t);
    } catch (Throwable e) {
      StringWriter out = new StringWriter();
      try {
        t.printStackTrace(new PrintWriter(out));
      } catch (Throwable again) {
        out.write(t.getClass().getName());
      }
      return out.toString().stripTrailing() + "\n(exceptionFormatter threw " + e.getClass().getName() + ")";
    }
  }
}
