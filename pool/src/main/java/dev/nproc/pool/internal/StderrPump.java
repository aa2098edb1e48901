package dev.nproc.pool.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Reads a worker's stderr line by line on a thread of its own and sends each line where the
 * pool's output setting says (the master's stderr with a prefix, a file, or nowhere), keeping the last {@link #KEPT_LINES} for failure reports
 * (SLF4J's reports about its own set-up are not kept).
 *
 * <p>Concurrency: the pump thread is the only writer of the kept lines; {@link #lastLines}
 * copies them under the same lock. Lines to the master's stderr are printed whole, under
 * {@code System.err}'s lock, so lines of different workers never interleave.
 */
final class StderrPump {
  static final int KEPT_LINES = 20;

  private final ArrayDeque<String> kept = new ArrayDeque<>();
  private final Thread thread;

  StderrPump(InputStream stderr, boolean discard, String prefix, Path file, String threadName) {
    thread = new Thread(() -> pump(stderr, discard, prefix, file), threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void pump(InputStream stderr, boolean discard, String prefix, Path file) {
    PrintStream console = System.err;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8));
         Writer log = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8,
             StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!isLibraryChatter(line)) {
          synchronized (kept) {
            if (kept.size() == KEPT_LINES) {
              kept.removeFirst();
            }
            kept.addLast(line);
          }
        }
        if (log != null) {
          log.write(line);
          log.write(System.lineSeparator());
          if (!in.ready()) {
            log.flush();
          }
        } else if (!discard) {
          console.println(prefix + line);
        }
      }
    } catch (IOException e) {
      // the stream closed under us: the worker is gone
    }
  }

  /**
   * Tells whether a line is SLF4J's report about its own set-up ("SLF4J(W): No SLF4J providers
   * were found", or SLF4J 1.7's "SLF4J: ..."): printed like any other line, but never kept as a
   * dead worker's last output, which it would only hide.
   */
  static boolean isLibraryChatter(String line) {
    return line.startsWith("SLF4J(") || line.startsWith("SLF4J: ");
  }

  /** Waits a little for the pump to reach the end of the stream (the worker has exited). */
  void awaitEnd(long millis) {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  List<String> lastLines() {
    synchronized (kept) {
      return List.copyOf(kept);
    }
  }
}
