/**
 * The JMH benchmarks: start-up of a pool, the latency of one round trip, the throughput of
 * trivial tasks, of parallel iteration and of 1 MiB payloads, and the speedup of a CPU-bound
 * job on two workers.
 *
 * <p>Each class's javadoc gives the command that runs it from the shaded
 * {@code benchmarks/target/benchmarks.jar}. Every benchmark uses a pool of 2 worker JVMs, in
 * one fork of the JMH JVM.
 *
 * <p>Threads: JMH calls the {@code @Setup} and {@code @TearDown} methods and the benchmark
 * methods on its benchmark thread; none of these classes asks for more than the one thread JMH
 * uses by default. The pool is started once per trial, except in {@code StartupBenchmark},
 * where starting it is what each invocation measures.
 */
package dev.nproc.benchmarks.jmh;
