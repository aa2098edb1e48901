package dev.nproc.benchmarks;

import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.PoolStats;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What cancelling a task's future does in nproc, measured with real worker JVMs: the counterpart
 * of {@code benchmarks/python/cancel_peers.py}, which measures four Python process pools in the
 * same scenarios and prints lines in the same format. Each scenario starts its own pool of 2
 * workers ({@code PoolOptions.cancelGrace}, default 1 s, unless the scenario says otherwise):
 *
 * <ul>
 *   <li>{@code queued}: both workers run tasks that wait for a marker file; task Q (it would
 *       append a line to a file) is submitted, left queued for 0.3 s, and its future cancelled;
 *       then the workers are released. Did {@code cancel} return true, did Q run?
 *   <li>{@code cooperative}: task X sleeps 60 s in steps of 50 ms and appends a tick line to a
 *       file at each step; the other worker is held by a waiting task, and task F is submitted
 *       behind X. Once X ticks, X's future is cancelled. When did the ticks stop, when did F
 *       complete, does the pool still work, did F run in the same worker process as X?
 *   <li>{@code ignores-intr}: the same, but X is a busy loop that never sleeps and clears every
 *       interrupt it gets.
 * </ul>
 *
 * <p>Then, for nproc only: the {@code queued} scenario with {@code pipelineDepth(1)} (Q waits in
 * the master, not in a worker's pipe) and with {@code cancel(false)}; {@code cooperative} with
 * {@code cancel(false)}; {@code ignores-intr} with {@code cancelGrace} of 3 s; and
 * {@code ignores-intr} with {@code closeAsync()} called right after the cancel, with a
 * {@code cancelGrace} of 1 s and of 5 s (how long does the close take?).
 *
 * <p>Output, one line per scenario on standard output:
 * {@code peer=nproc scenario=... cancel=... ran=... ticks=... next=... pool=... pid=... note=...}:
 * {@code cancel} is what {@code cancel} returned; {@code ran} whether Q ran; {@code ticks}
 * {@code stop+T} (the last tick came T s after the cancel, or {@code stop-T}: T s before it, and
 * none after) or {@code on@+T} (still
 * ticking T s after it); {@code next} {@code +T} (F completed T s after the cancel) or
 * {@code none@T}; {@code pool} {@code ok} when a task submitted at the end completed within 5 s;
 * {@code pid} {@code same} or {@code new}: whether F ran in X's worker process. The pool's error
 * and info messages go to standard error, prefixed {@code [nproc error]} and {@code [nproc info]}.
 *
 * <p>Run from the reactor root after {@code mvn -q -B -o -DskipTests package -pl benchmarks}:
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -cp benchmarks/target/benchmarks.jar dev.nproc.benchmarks.CancelCompare}
 * (on JDK 23+ add {@code --sun-misc-unsafe-memory-access=allow} after the argfile).
 *
 * <p>Not thread-safe; a program, run once.
 */
public final class CancelCompare {
  /** No task of ours runs longer than this, even if nobody stops it. */
  private static final long TASK_LIMIT_MS = 60_000;
  /** X's tick period. */
  private static final long STEP_MS = 50;
  /** A submitted task is left queued this long before the cancel. */
  private static final long SETTLE_MS = 300;
  /** How long F may take after the cancel. */
  private static final long NEXT_WAIT_MS = 8_000;
  /** The ticks are read no sooner than this after the cancel. */
  private static final long TICK_WINDOW_MS = 4_000;
  private static final long PROBE_WAIT_MS = 5_000;
  private static final long START_WAIT_MS = 30_000;

  private static final long T0 = System.nanoTime();

  private final AtomicInteger errors = new AtomicInteger();

  private CancelCompare() {}

  // ------------------------------------------------------------------ task functions (run in workers)

  /**
   * Answers the worker's process id.
   *
   * @param ignored any value
   * @return the pid of the process that runs the task
   */
  public static Long pid(Integer ignored) {
    return ProcessHandle.current().pid();
  }

  /**
   * Writes a start file, then waits until the marker file exists (at most 60 s).
   *
   * @param startedAndMarker the start file's path, then the marker's
   * @return the worker's pid
   */
  public static Long block(String[] startedAndMarker) {
    append(startedAndMarker[0], ProcessHandle.current().pid() + " " + System.currentTimeMillis());
    Path marker = Path.of(startedAndMarker[1]);
    long deadline = System.currentTimeMillis() + TASK_LIMIT_MS;
    while (!Files.exists(marker) && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return ProcessHandle.current().pid();
  }

  /**
   * Task Q: appends one line to a file.
   *
   * @param path the file
   * @return the worker's pid
   */
  public static Long appendLine(String path) {
    append(path, "ran " + ProcessHandle.current().pid() + " " + System.currentTimeMillis());
    return ProcessHandle.current().pid();
  }

  /**
   * Task X, cooperative: sleeps 60 s in steps of 50 ms, appending a tick line at each step; an
   * interrupt ends it.
   *
   * @param path the tick file
   * @return how it ended
   */
  public static String cooperative(String path) {
    long deadline = System.currentTimeMillis() + TASK_LIMIT_MS;
    while (System.currentTimeMillis() < deadline) {
      tick(path, "");
      try {
        Thread.sleep(STEP_MS);
      } catch (InterruptedException e) {
        append(path, "interrupted " + ProcessHandle.current().pid() + " " + System.currentTimeMillis());
        return "interrupted";
      }
    }
    return "finished";
  }

  /**
   * Task X, uncooperative: a busy loop for 60 s that never sleeps, appends a tick line every
   * 50 ms, and clears (swallows) every interrupt, counting them in its tick lines.
   *
   * @param path the tick file
   * @return a value computed by the loop
   */
  public static Long busy(String path) {
    long start = System.currentTimeMillis();
    long nextTick = start;
    long x = 0;
    int interrupts = 0;
    while (true) {
      for (int i = 0; i < 20_000; i++) {
        x = (x * 31 + i) % 1_000_003;
      }
      if (Thread.interrupted()) {
        interrupts++;
      }
      long now = System.currentTimeMillis();
      if (now >= nextTick) {
        tick(path, " interrupts=" + interrupts);
        nextTick = now + STEP_MS;
      }
      if (now - start > TASK_LIMIT_MS) {
        return x;
      }
    }
  }

  /** A file write that an interrupt does not stop (unlike a {@code FileChannel}'s). */
  private static void append(String path, String line) {
    try (FileOutputStream out = new FileOutputStream(path, true)) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void tick(String path, String extra) {
    append(path, "tick " + ProcessHandle.current().pid() + " " + System.currentTimeMillis() + extra);
  }

  // ------------------------------------------------------------------ the program

  /**
   * Runs every scenario once and prints one line for each.
   *
   * @param args none
   * @throws Exception if the harness itself fails
   */
  public static void main(String[] args) throws Exception {
    new CancelCompare().run();
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "# %s, JDK %s, %d cores, load average %.2f%n",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")), Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Duration grace = Duration.ofSeconds(1);
    guarded("queued", () -> queued("queued", grace, 8, true));
    guarded("cooperative", () -> running("cooperative", false, grace, true));
    guarded("ignores-intr", () -> running("ignores-intr", true, grace, true));
    System.out.println("# nproc only");
    guarded("queued/depth1", () -> queued("queued/depth1", grace, 1, true));
    guarded("queued/cancel(false)", () -> queued("queued/cancel(false)", grace, 8, false));
    guarded("cooperative/cancel(false)", () -> running("cooperative/cancel(false)", false, grace, false));
    guarded("ignores-intr/grace3s", () -> running("ignores-intr/grace3s", true, Duration.ofSeconds(3), true));
    guarded("ignores-intr/close", () -> closeAfterCancel("ignores-intr/close", grace));
    guarded("ignores-intr/grace5s/close", () -> closeAfterCancel("ignores-intr/grace5s/close", Duration.ofSeconds(5)));
    List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    if (!left.isEmpty()) {
      System.out.println("# processes left below the master at the end: " + left.size());
    }
  }

  private interface Scenario {
    void run() throws Exception;
  }

  /** One scenario's failure must not stop the others. */
  private static void guarded(String name, Scenario scenario) {
    log("[cancel-compare] nproc " + name);
    try {
      scenario.run();
    } catch (Exception | AssertionError e) {
      line(name, "-", "-", "-", "-", "-", "-", List.of("scenario failed: " + e));
    }
  }

  private PoolOptions options(String scenario, Duration grace, int depth) {
    return PoolOptions.builder()
        .name("cancel-" + scenario.replaceAll("[^A-Za-z0-9-]", "-"))
        .cancelGrace(grace)
        .pipelineDepth(depth)
        .errorLog(m -> {
          errors.incrementAndGet();
          log("[nproc error] " + m);
        })
        .infoLog(m -> log("[nproc info] " + m))
        .build();
  }

  private Pool start(String scenario, Duration grace, int depth) {
    Pool pool = Pool.create(2, options(scenario, grace, depth));
    Workloads.warm(pool);
    return pool;
  }

  private void queued(String scenario, Duration grace, int depth, boolean interrupt) throws Exception {
    Path work = Files.createTempDirectory("cancel-compare-");
    String marker = work.resolve("release").toString();
    Path qfile = work.resolve("q");
    List<String> note = new ArrayList<>();
    String ret = "-";
    String ran = "-";
    String probe = "-";
    int errorsBefore = errors.get();
    Pool pool = start(scenario, grace, depth);
    try {
      List<Path> starts = List.of(work.resolve("start0"), work.resolve("start1"));
      List<CompletableFuture<Long>> blockers = new ArrayList<>();
      for (Path s : starts) {
        blockers.add(pool.call(CancelCompare::block, new String[] {s.toString(), marker}));
      }
      if (!waitFor(() -> starts.stream().allMatch(Files::exists), START_WAIT_MS)) {
        note.add("blockers did not both start");
      }
      CompletableFuture<Long> q = pool.call(CancelCompare::appendLine, qfile.toString());
      Thread.sleep(SETTLE_MS);
      PoolStats before = pool.stats();
      note.add("before the cancel: " + before.inFlight() + " in workers, " + before.queued() + " queued in the master");
      ret = String.valueOf(q.cancel(interrupt));
      String stateAfter = state(q);
      Files.createFile(Path.of(marker));
      for (CompletableFuture<Long> b : blockers) {
        try {
          b.get(PROBE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          note.add("blocker: " + e);
        }
      }
      probe = probe(pool);
      Thread.sleep(500);
      ran = Files.exists(qfile) ? "yes" : "no";
      note.add("Q's future " + stateAfter + " after cancel, " + state(q) + " at the end");
      note.add(stats(pool.stats()));
    } finally {
      release(marker);
      note.addAll(cleanup(pool, false));
      deleteTree(work);
    }
    int errorCount = errors.get() - errorsBefore;
    if (errorCount > 0) {
      note.add(errorCount + " message(s) on the error log");
    }
    line(scenario, ret, ran, "-", "-", probe, "-", note);
  }

  private void running(String scenario, boolean busy, Duration grace, boolean interrupt) throws Exception {
    Path work = Files.createTempDirectory("cancel-compare-");
    String marker = work.resolve("release").toString();
    Path tfile = work.resolve("ticks");
    List<String> note = new ArrayList<>();
    String ret = "-";
    String ticks = "-";
    String next = "-";
    String probe = "-";
    String pidSame = "-";
    int errorsBefore = errors.get();
    Pool pool = start(scenario, grace, 8);
    try {
      Path bstart = work.resolve("bstart");
      CompletableFuture<Long> blocker = pool.call(CancelCompare::block, new String[] {bstart.toString(), marker});
      if (!waitFor(() -> Files.exists(bstart), START_WAIT_MS)) {
        note.add("blocker did not start");
      }
      CompletableFuture<?> x = busy
          ? pool.call(CancelCompare::busy, tfile.toString())
          : pool.call(CancelCompare::cooperative, tfile.toString());
      if (!waitFor(() -> !lines(tfile).isEmpty(), START_WAIT_MS)) {
        note.add("X never ticked");
      }
      List<String[]> first = lines(tfile);
      Long xPid = first.isEmpty() ? null : Long.valueOf(first.get(0)[1]);
      CompletableFuture<Long> f = pool.call(CancelCompare::pid, 0);
      Thread.sleep(SETTLE_MS);
      long tCancel = System.currentTimeMillis();
      log("[cancel-compare] cancel X");
      ret = String.valueOf(x.cancel(interrupt));
      String stateAfter = state(x);
      Long fPid = null;
      try {
        fPid = f.get(NEXT_WAIT_MS, TimeUnit.MILLISECONDS);
        next = secs("+", System.currentTimeMillis() - tCancel);
        log("[cancel-compare] F completed");
      } catch (TimeoutException e) {
        next = "none@" + NEXT_WAIT_MS / 1000 + "s";
      } catch (ExecutionException e) {
        next = "failed";
        note.add("F: " + e.getCause());
      }
      long wait = tCancel + TICK_WINDOW_MS - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      long now = System.currentTimeMillis();
      List<String[]> all = lines(tfile);
      List<String[]> tickLines = all.stream().filter(l -> l[0].equals("tick")).toList();
      long last = tickLines.isEmpty() ? tCancel : Long.parseLong(tickLines.get(tickLines.size() - 1)[2]);
      ticks = now - last < 500 ? secs("on@+", now - tCancel) : secs("stop", last - tCancel);
      if (all.stream().anyMatch(l -> l[0].equals("interrupted"))) {
        note.add("X saw the interrupt");
      }
      if (!tickLines.isEmpty()) {
        String[] lastTick = tickLines.get(tickLines.size() - 1);
        if (lastTick.length > 3) {
          note.add("X's last tick: " + lastTick[3]);
        }
      }
      if (xPid != null && fPid != null) {
        pidSame = xPid.equals(fPid) ? "same" : "new";
      }
      note.add("X's future " + stateAfter + " after cancel");
      if (xPid != null) {
        note.add("X's worker " + (ProcessHandle.of(xPid).map(ProcessHandle::isAlive).orElse(false) ? "alive" : "gone"));
      }
      release(marker);
      probe = probe(pool);
      try {
        blocker.get(PROBE_WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        note.add("blocker: " + e);
      }
      note.add(stats(pool.stats()));
    } finally {
      release(marker);
      note.addAll(cleanup(pool, false));
      deleteTree(work);
    }
    int errorCount = errors.get() - errorsBefore;
    if (errorCount > 0) {
      note.add(errorCount + " message(s) on the error log");
    }
    line(scenario, ret, "-", ticks, next, probe, pidSame, note);
  }

  /**
   * X, a busy loop that swallows interrupts, runs alone (the other worker is idle, nothing else is
   * submitted); its future is cancelled and {@code closeAsync()} called at once. How long until
   * the pool is closed?
   */
  private void closeAfterCancel(String scenario, Duration grace) throws Exception {
    Path work = Files.createTempDirectory("cancel-compare-");
    Path tfile = work.resolve("ticks");
    List<String> note = new ArrayList<>();
    String ret = "-";
    String ticks = "-";
    String closed = "-";
    int errorsBefore = errors.get();
    Pool pool = start(scenario, grace, 8);
    try {
      CompletableFuture<Long> x = pool.call(CancelCompare::busy, tfile.toString());
      if (!waitFor(() -> !lines(tfile).isEmpty(), START_WAIT_MS)) {
        note.add("X never ticked");
      }
      long tCancel = System.currentTimeMillis();
      log("[cancel-compare] cancel X, then closeAsync()");
      ret = String.valueOf(x.cancel(true));
      CompletableFuture<Void> closing = pool.closeAsync();
      try {
        closing.get(30, TimeUnit.SECONDS);
        closed = secs("+", System.currentTimeMillis() - tCancel);
        log("[cancel-compare] closed");
      } catch (TimeoutException e) {
        closed = "none@30s";
      }
      Thread.sleep(1_000); // the ticks are read 1 s after the close
      long now = System.currentTimeMillis();
      List<String[]> tickLines = lines(tfile).stream().filter(l -> l[0].equals("tick")).toList();
      long last = tickLines.isEmpty() ? tCancel : Long.parseLong(tickLines.get(tickLines.size() - 1)[2]);
      ticks = now - last < 500 ? secs("on@+", now - tCancel) : secs("stop", last - tCancel);
      note.add("the pool was closed " + closed + " after the cancel (closeAsync right after it)");
      note.add(stats(pool.stats()));
    } finally {
      note.addAll(cleanup(pool, true));
      deleteTree(work);
    }
    int errorCount = errors.get() - errorsBefore;
    if (errorCount > 0) {
      note.add(errorCount + " message(s) on the error log");
    }
    line(scenario, ret, "-", ticks, "-", "-", "-", note);
  }

  // ------------------------------------------------------------------ helpers

  private static String probe(Pool pool) throws InterruptedException {
    try {
      pool.call(CancelCompare::pid, 0).get(PROBE_WAIT_MS, TimeUnit.MILLISECONDS);
      return "ok";
    } catch (TimeoutException e) {
      return "stuck";
    } catch (ExecutionException e) {
      return "error";
    }
  }

  /** Terminates the pool (or waits for a close already asked for) and checks that no worker is left. */
  private static List<String> cleanup(Pool pool, boolean closing) throws InterruptedException {
    List<String> notes = new ArrayList<>();
    long t = System.nanoTime();
    if (!closing) {
      pool.terminate();
    }
    try {
      pool.whenClosed().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      notes.add("pool not closed 30 s after " + (closing ? "closeAsync" : "terminate") + ": " + e);
      pool.terminate();
    }
    double took = (System.nanoTime() - t) / 1e9;
    if (took > 2) {
      notes.add(String.format(Locale.ROOT, "%s took %.1fs", closing ? "close" : "terminate", took));
    }
    long deadline = System.currentTimeMillis() + 3_000;
    List<ProcessHandle> left = alive();
    while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
      left = alive();
    }
    if (!left.isEmpty()) {
      left.forEach(ProcessHandle::destroyForcibly);
      notes.add("killed " + left.size() + " worker(s) still alive 3 s after the pool closed");
    }
    return notes;
  }

  private static List<ProcessHandle> alive() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
  }

  /** A line on standard error, stamped with the seconds since the program started. */
  private static void log(String message) {
    System.err.printf(Locale.ROOT, "%8.3f %s%n", (System.nanoTime() - T0) / 1e9, message);
  }

  private static String stats(PoolStats s) {
    return "stats: completed " + s.completed() + ", failed " + s.failed() + ", cancelled " + s.cancelled()
        + ", worker restarts " + s.workerRestarts();
  }

  private static String state(CompletableFuture<?> f) {
    if (f.isCancelled()) {
      return "cancelled";
    }
    return f.isDone() ? "done" : "pending";
  }

  /** {@code on@+8.0s}, {@code stop+1.00s}, {@code stop-0.01s}, {@code +0.05s}. */
  private static String secs(String prefix, long millis) {
    String format = prefix.startsWith("on") ? "%s%.1fs" : prefix.equals("stop") ? "%s%+.2fs" : "%s%.2fs";
    return String.format(Locale.ROOT, format, prefix, millis / 1e3);
  }

  private static boolean waitFor(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }

  private static List<String[]> lines(Path file) {
    try {
      return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> l.trim().split(" ")).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static void release(String marker) {
    try {
      Files.write(Path.of(marker), new byte[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void line(String scenario, String cancel, String ran, String ticks, String next, String pool,
                           String pid, List<String> note) {
    System.out.printf(Locale.ROOT,
        "peer=%-20s scenario=%-12s cancel=%-6s ran=%-3s ticks=%-12s next=%-9s pool=%-5s pid=%-4s note=%s%n",
        "nproc", scenario, cancel, ran, ticks, next, pool, pid, note.isEmpty() ? "-" : String.join("; ", note));
    System.out.flush();
  }
}
