package dev.nproc.benchmarks;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The demo's progress bars, made with {@code me.tongfei:progressbar}, in one of two modes:
 *
 * <ul>
 *   <li><b>terminal</b> (standard input and output are a terminal): the library's own console
 *       bar on standard error, redrawn in place ten times a second;
 *   <li><b>plain</b> (output piped or captured, as in CI or a log file, or {@code CI} set in the
 *       environment): one ASCII line on standard output when a bar starts, every
 *       {@value #PLAIN_INTERVAL_MS} ms while it moves, and once at the end. Left to itself the
 *       library would write to a dumb terminal with carriage returns, which a log file keeps
 *       as one ever longer line.
 * </ul>
 *
 * <p>The mode can be forced with {@code -Dnproc.demo.progress=terminal|plain|off}.
 *
 * <p>Thread-safe: bars may be stepped from any thread, as {@link ProgressBar} allows.
 */
public final class DemoProgress {
  /** How often a plain-mode bar prints a line while it moves, in milliseconds. */
  public static final int PLAIN_INTERVAL_MS = 2000;
  private static final int TERMINAL_INTERVAL_MS = 100;
  private static final int PLAIN_WIDTH = 100;

  /** How bars are shown. */
  public enum Mode {
    /** Redrawn in place on a terminal. */
    TERMINAL,
    /** A few whole lines, for logs. */
    PLAIN,
    /** Not shown. */
    OFF
  }

  private final Mode mode;

  private DemoProgress(Mode mode) {
    this.mode = mode;
  }

  /**
   * Picks the mode from the system property {@code nproc.demo.progress}, else from whether this
   * JVM runs on a terminal.
   *
   * @return the progress bars' factory
   */
  public static DemoProgress detect() {
    String forced = System.getProperty("nproc.demo.progress", "");
    switch (forced) {
      case "terminal":
        return new DemoProgress(Mode.TERMINAL);
      case "plain":
        return new DemoProgress(Mode.PLAIN);
      case "off":
        return new DemoProgress(Mode.OFF);
      default:
        return new DemoProgress(onTerminal() ? Mode.TERMINAL : Mode.PLAIN);
    }
  }

  /**
   * Returns the mode.
   *
   * @return the mode
   */
  public Mode mode() {
    return mode;
  }

  /**
   * Starts a bar.
   *
   * @param task the label at its left
   * @param max the count at 100%
   * @param unit the unit of the counts, e.g. {@code "docs"}
   * @return the bar, to step and then close; with mode {@code OFF}, a bar that prints nothing
   */
  public ProgressBar start(String task, long max, String unit) {
    ProgressBarBuilder b = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setUnit(" " + unit, 1)
        .showSpeed();
    switch (mode) {
      case TERMINAL:
        b.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(TERMINAL_INTERVAL_MS);
        break;
      case PLAIN:
        b.setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(PLAIN_INTERVAL_MS)
            .setConsumer(new DelegatingProgressBarConsumer(new Lines(System.out), PLAIN_WIDTH));
        break;
      default:
        b.setUpdateIntervalMillis(60_000).setConsumer(new DelegatingProgressBarConsumer(s -> { }, PLAIN_WIDTH));
        break;
    }
    return b.build();
  }

  /**
   * Prints each rendering of a plain bar as a line, skipping one whose count has not changed
   * (the library renders the final state twice when a bar closes).
   */
  private static final class Lines implements Consumer<String> {
    private final PrintStream out;
    private String lastKey = "";

    Lines(PrintStream out) {
      this.out = out;
    }

    @Override
    public synchronized void accept(String line) {
      int paren = line.indexOf(" (");
      String key = paren < 0 ? line : line.substring(0, paren);   // label, percent, bar, count
      if (!key.equals(lastKey)) {
        lastKey = key;
        out.println(line.stripTrailing());
      }
    }
  }

  /** Whether standard input and output are a terminal (JDK 22+: {@code Console.isTerminal()}). */
  private static boolean onTerminal() {
    if (System.getenv("CI") != null || "dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true;   // JDK 17-21: System.console() is null unless both are a terminal
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
