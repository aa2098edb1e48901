/**
 * The runnable programs that measure nproc and show it at work, and the workloads they share.
 *
 * <ul>
 *   <li>{@link dev.nproc.benchmarks.Demo}: two real jobs, each run serially and on two worker
 *       JVMs: a Mandelbrot render with {@code Pool.submit}, and a word index
 *       ({@link dev.nproc.benchmarks.TextIndex}) with Full-mode {@code IterStream.iterStream}.
 *       {@link dev.nproc.benchmarks.DemoProgress} draws its progress bars.
 *   <li>{@link dev.nproc.benchmarks.Compare}: the comparison harness. It runs the same workloads
 *       on nproc, on an in-process {@code ForkJoinPool} and on Python's
 *       {@code multiprocessing.Pool}, and prints one table.
 *   <li>{@link dev.nproc.benchmarks.Workloads}: the functions they send to the workers, all
 *       static methods, so a method reference to one captures nothing.
 * </ul>
 * The JMH benchmarks are in {@code dev.nproc.benchmarks.jmh}; each class's javadoc gives the
 * command that runs it.
 *
 * <p>Threads: {@code Demo} and {@code Compare} are programs, run once from their main thread,
 * which submits the tasks and waits for the results; the work itself runs in the worker
 * processes. {@code Compare} also runs its in-process baseline on a {@code ForkJoinPool}, and
 * reads the Python script's output on a thread of its own. In the word index,
 * {@code TextIndex.TermRegistry} answers the workers' service requests in the master; the pool
 * calls it from its own threads, so it is thread-safe. Progress bars may be stepped from any
 * thread.
 */
package dev.nproc.benchmarks;
