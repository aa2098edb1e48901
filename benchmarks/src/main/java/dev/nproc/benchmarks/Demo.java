package dev.nproc.benchmarks;

import dev.nproc.benchmarks.TextIndex.Index;
import dev.nproc.benchmarks.TextIndex.Lexicon;
import dev.nproc.benchmarks.TextIndex.TermRegistry;
import dev.nproc.pool.Pool;
import dev.nproc.stream.IterOptions;
import dev.nproc.stream.IterStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import me.tongfei.progressbar.ProgressBar;

/**
 * The runnable demo, two real jobs, each run serially in one thread and on two worker JVMs:
 *
 * <ol>
 *   <li><b>Mandelbrot</b> with {@link Pool#submit}: renders an image, summing every pixel's escape
 *       iteration count, one task per band of eight rows; each side runs twice after an untimed
 *       warm-up and keeps its best time.
 *   <li><b>Word index</b> with {@link IterStream#iterStream} in Full mode: builds a deterministic
 *       corpus in memory (100,000 documents of 20 to 140 words by default), then counts word frequencies and builds
 *       an inverted index. The documents travel to the workers in chunks of 500; {@code env} is
 *       the lexicon and the stop words, shared by every task; the workers fetch the ids of rare
 *       words, not in the lexicon, from the master's registry with {@code serv.request}. A
 *       progress bar ({@link DemoProgress}) follows each run.
 * </ol>
 *
 * <p>It prints one table at the end: per phase the serial time, the nproc time, the speedup and
 * the throughput, and checks that both sides agree.
 *
 * <p>Run it from the reactor root with {@code mvn -q -B -DskipTests -Pdemo verify}, or after a
 * build with
 * {@code java @core/src/main/resources/dev/nproc/core/nproc.args -cp benchmarks/target/benchmarks.jar dev.nproc.benchmarks.Demo [height] [maxIter] [documents]}.
 * Exits with status 1 if the results differ.
 */
public final class Demo {
  private static final int WORKERS = 2;

  private static final int WARMUP_HEIGHT = 160;
  /** Each side runs the job this many times and keeps its best time, to damp noise from other processes. */
  private static final int RUNS = 2;

  private Demo() {}

  /** Submits one task per band, then adds up the results. */
  private static long render(Pool pool, int height, int maxIter) {
    int tasks = Workloads.bands(height);
    List<CompletableFuture<Optional<Long>>> futures = new ArrayList<>(tasks);
    for (int b = 0; b < tasks; b++) {
      futures.add(pool.submit(Workloads::mandelbrotTask, new int[] {b, height, maxIter}));
    }
    long sum = 0;
    for (CompletableFuture<Optional<Long>> f : futures) {
      sum += f.join().orElseThrow(() -> new IllegalStateException("a task failed; see the log above"));
    }
    return sum;
  }


  /** One line of the final table. */
  private record Row(String label, double serialS, double nprocS, double units, String unit) {}

  /** What a phase measured, and whether its serial and nproc results agree. */
  private record Phase(List<Row> rows, boolean same) {}

  /**
   * Runs the demo.
   *
   * @param args optional image height (default 1200), iteration cap (default 3000) and number
   *     of documents (default 100000)
   */
  public static void main(String[] args) {
    int height = args.length > 0 ? Integer.parseInt(args[0]) : 1200;
    int maxIter = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    int documents = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    DemoProgress progress = DemoProgress.detect();
    System.out.printf(Locale.ROOT, "nproc demo: %d worker JVMs; JDK %s, %d cores, load average %.2f%s; progress bars: %s%n",
        WORKERS, Runtime.version(), Runtime.getRuntime().availableProcessors(), load,
        load > 1.5 ? " (other processes are busy: timings will be noisy)" : "",
        progress.mode().name().toLowerCase(Locale.ROOT));

    Phase mandelbrot = mandelbrot(height, maxIter);
    System.out.println();
    Phase index = wordIndex(documents, progress);

    List<Row> rows = new ArrayList<>(mandelbrot.rows());
    rows.addAll(index.rows());
    System.out.println();
    System.out.printf(Locale.ROOT, "%-46s %8s %8s %8s  %s%n", "", "serial", "nproc", "speedup", "throughput, serial -> nproc");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "%-46s %7.2fs %7.2fs %7.2fx  %s -> %s %s/s%n", r.label(), r.serialS(), r.nprocS(),
          r.serialS() / r.nprocS(), human(r.units() / r.serialS()), human(r.units() / r.nprocS()), r.unit());
    }
    if (!mandelbrot.same() || !index.same()) {
      System.out.println("RESULTS DIFFER: see above");
      System.exit(1);
    }
  }

  /** Phase 1: the Mandelbrot render, serially and with {@code Pool.submit}. */
  private static Phase mandelbrot(int height, int maxIter) {
    int tasks = Workloads.bands(height);
    System.out.printf(Locale.ROOT, "1. Mandelbrot %dx%d, up to %d iterations a pixel: %d Pool.submit tasks of %d rows,"
        + " best of %d runs each%n", Workloads.WIDTH, height, maxIter, tasks, Workloads.ROWS_PER_BAND, RUNS);

    // Warm-up, not timed: each side renders a small image first, so the JIT has compiled the
    // loop in this JVM and in each worker before the clocks start.
    Workloads.mandelbrotSerial(WARMUP_HEIGHT, maxIter);

    long serialSum = 0;
    long serialNanos = Long.MAX_VALUE;
    for (int run = 0; run < RUNS; run++) {
      long t = System.nanoTime();
      serialSum = Workloads.mandelbrotSerial(height, maxIter);
      serialNanos = Math.min(serialNanos, System.nanoTime() - t);
    }

    long poolSum = 0;
    long workNanos = Long.MAX_VALUE;
    long t1 = System.nanoTime();
    Pool pool = Pool.create(WORKERS, Workloads.quietOptions("demo"));
    long startupNanos = System.nanoTime() - t1;
    long closeNanos;
    try {
      render(pool, WARMUP_HEIGHT, maxIter);
      for (int run = 0; run < RUNS; run++) {
        long t = System.nanoTime();
        long sum = render(pool, height, maxIter);
        workNanos = Math.min(workNanos, System.nanoTime() - t);
        if (run > 0 && sum != poolSum) {
          throw new IllegalStateException("two runs on the pool disagree: " + poolSum + " and " + sum);
        }
        poolSum = sum;
      }
    } finally {
      long t = System.nanoTime();
      pool.close();
      closeNanos = System.nanoTime() - t;
    }
    long totalNanos = startupNanos + workNanos + closeNanos;
    boolean same = serialSum == poolSum;
    System.out.printf(Locale.ROOT, "   pool start-up %.0f ms, close %.0f ms; iteration sums: serial %d, nproc %d: %s%n",
        startupNanos / 1e6, closeNanos / 1e6, serialSum, poolSum, same ? "equal" : "DIFFERENT");
    return new Phase(List.of(
        new Row("1. Mandelbrot, Pool.submit, pool started", serialNanos / 1e9, workNanos / 1e9, tasks, "tasks"),
        new Row("   same, with pool start-up and close", serialNanos / 1e9, totalNanos / 1e9, tasks, "tasks")), same);
  }

  /** Lexicon size (made-up words, besides the stop words) and pool of rare words of phase 2. */
  private static final int LEXICON = 12_000;
  private static final int RARE_WORDS = 3_000;
  /** Documents a chunk in phase 2: one pool task. */
  private static final int GRANULARITY = 500;

  /**
   * Phase 2: word frequencies and an inverted index, serially and with the Full-mode
   * {@code iterStream}.
   */
  private static Phase wordIndex(int documents, DemoProgress progress) {
    Lexicon lexicon = TextIndex.lexicon(LEXICON);
    TextIndex.Corpus corpus = new TextIndex.Corpus(lexicon, RARE_WORDS);
    System.out.printf(Locale.ROOT, "2. Word index: %s documents generated from a seed, by number; IterStream.iterStream,"
        + " granularity %d, Full mode%n", human(documents), GRANULARITY);
    System.out.printf(Locale.ROOT, "   env: lexicon of %s words, %d stop words and the corpus generator, sent once to"
        + " each worker, which builds the documents it is given by number; serv: the master's registry of rare-word"
        + " ids%n", human(LEXICON), lexicon.stopWords().size());

    // Serial: one thread, the same indexing function, the registry called directly. Both sides
    // start cold, as the job would in a program of its own: this JVM has not run the indexing code
    // yet, and neither have the workers. Each side's second half shows it warm.
    TermRegistry serialRegistry = new TermRegistry(lexicon);
    Index serial = new Index();
    long serialHalf = 0;
    long t1 = System.nanoTime();
    try (ProgressBar bar = progress.start("serial ", documents, "docs")) {
      HashMap<String, Integer> cache = new HashMap<>();
      for (int i = 0; i < documents; i++) {
        serial.add(i, TextIndex.index(lexicon, corpus.document(i), serialRegistry::resolve, cache));
        if (i + 1 == documents / 2) {
          serialHalf = System.nanoTime();
        }
        if ((i + 1) % GRANULARITY == 0 || i + 1 == documents) {
          bar.stepTo(i + 1);
        }
      }
    }
    serial.finish();
    long serialEnd = System.nanoTime();
    long serialNanos = serialEnd - t1;

    // nproc: iterStream starts its own pool of 2 workers, so its time includes their start-up
    // and close. Results come in input order, so g, on this thread, knows each one's document
    // id without it travelling; the progress callback moves the bar.
    TermRegistry nprocRegistry = new TermRegistry(lexicon);
    AtomicLong failed = new AtomicLong();
    Function<String[], CompletionStage<int[]>> serv = words -> CompletableFuture.completedFuture(nprocRegistry.resolve(words));
    Index parallel = new Index();
    long half = documents / 2;
    long[] halfNanos = {0};   // when half the results were in: the workers are warm by then
    long t2 = System.nanoTime();
    try (ProgressBar bar = progress.start("nproc  ", documents, "docs")) {
      IterOptions options = IterOptions.builder()
          .granularity(GRANULARITY)
          .ordered(true)
          .poolOptions(Workloads.quietOptions("demo-index"))
          .progress(p -> {
            bar.stepTo(p.done());
            if (halfNanos[0] == 0 && p.done() >= half) {
              halfNanos[0] = System.nanoTime();
            }
          })
          .build();
      IterStream.iterStream(options, WORKERS, serv, new TextIndex.Shared(lexicon.forRun(t2), corpus),
          TextIndex::indexDocumentInWorker,
          (Optional<int[]> r) -> {
            int doc = parallel.documents() + (int) failed.get();
            if (r.isPresent()) {
              parallel.add(doc, r.get());
            } else {
              failed.incrementAndGet();
            }
          },
          IntStream.range(0, documents).boxed());
    }
    parallel.finish();
    long t3 = System.nanoTime();
    long nprocNanos = t3 - t2;
    long lastHalf = documents - half;

    StringBuilder top = new StringBuilder();
    for (int t : serial.top(4)) {
      top.append(top.length() == 0 ? "" : ", ").append(TextIndex.word(lexicon, serialRegistry, t))
          .append(' ').append(human(serial.frequency(t)));
    }
    System.out.printf(Locale.ROOT, "   %s words, %s stop words dropped, %s distinct terms, %s postings; most frequent: %s%n",
        human(serial.tokens()), human(serial.stopped()), human(serial.distinctTerms()), human(serial.postingCount()), top);
    System.out.printf(Locale.ROOT, "   the workers fetched %s rare-word ids in %s serv.request calls%n",
        human(nprocRegistry.size()), human(nprocRegistry.requests()));
    String difference = failed.get() > 0 ? failed.get() + " documents failed"
        : TextIndex.difference(lexicon, serial, serialRegistry, parallel, nprocRegistry);
    System.out.println("   serial and nproc indexes: " + (difference == null ? "equal" : "DIFFERENT, " + difference));
    return new Phase(List.of(
        new Row("2. Word index, iterStream Full, with start-up", serialNanos / 1e9, nprocNanos / 1e9, documents, "docs"),
        new Row("   second half of the stream (both sides warm)", (serialEnd - serialHalf) / 1e9,
            (t3 - halfNanos[0]) / 1e9, lastHalf, "docs")), difference == null);
  }

  /** Formats a count compactly: 950, 12.3k, 4.56M. */
  private static String human(double x) {
    if (x >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", x / 1e6);
    }
    if (x >= 1e4) {
      return String.format(Locale.ROOT, "%.0fk", x / 1e3);
    }
    if (x >= 1e3) {
      return String.format(Locale.ROOT, "%.1fk", x / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", x);
  }
}
