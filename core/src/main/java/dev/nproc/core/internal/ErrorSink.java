package dev.nproc.core.internal;

import java.io.PrintStream;
import java.util.function.Consumer;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Where nproc's error lines go by default: an SLF4J logger at ERROR, or standard error when SLF4J
 * has no provider on the classpath. With only {@code slf4j-api}, SLF4J discards everything
 * (after one warning of its own), and a failed task would leave no trace anywhere; nproc's errors
 * are never silenced that way. Which of the two is decided at the first error, once SLF4J has
 * looked for its provider.
 *
 * <p>Thread-safe: any thread may log; lines to standard error are printed whole.
 */
public final class ErrorSink implements Consumer<String> {
  private final String loggerName;
  private volatile Consumer<String> target; // decided at the first line; racing threads decide alike

  private ErrorSink(String loggerName) {
    this.loggerName = loggerName;
  }

  /**
   * Returns the sink for one logger.
   *
   * @param loggerName the SLF4J logger's name, such as {@code dev.nproc.pool}
   * @return the sink
   */
  public static Consumer<String> forLogger(String loggerName) {
    return new ErrorSink(loggerName);
  }

  /**
   * Tells whether SLF4J found no provider and discards every line.
   *
   * @return whether it does
   */
  public static boolean slf4jDiscardsEverything() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    return factory instanceof NOPLoggerFactory;
  }

  @Override
  public void accept(String message) {
    Consumer<String> t = target;
    if (t == null) {
      if (slf4jDiscardsEverything()) {
        String prefix = "ERROR " + loggerName + " - ";
        t = line -> {
          PrintStream err = System.err;
          err.println(prefix + line);
        };
      } else {
        Logger logger = LoggerFactory.getLogger(loggerName);
        t = logger::error;
      }
      target = t;
    }
    t.accept(message);
  }

  @Override
  public String toString() {
    return "SLF4J logger " + loggerName + " at ERROR, or standard error without an SLF4J provider";
  }
}
