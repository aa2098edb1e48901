package dev.nproc.pool.internal;

import dev.nproc.core.Codec;
import dev.nproc.core.SerializableConsumer;
import dev.nproc.core.WorkerInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The engine's settings, in the engine's own terms: what the public {@code PoolOptions} says,
 * translated once by the API package, so that nothing under {@code internal} depends on the API
 * package. Immutable: the options' builder validated the values and made the lists and maps
 * unmodifiable.
 *
 * @param name the pool's name, for threads, logs and worker output prefixes
 * @param codec the payload codec
 * @param init the hook each worker runs before its first task, or {@code null}
 * @param jvmArgs the user's JVM arguments for workers
 * @param javaHome the workers' JDK, or {@code null} for this JVM's
 * @param classpath the workers' classpath, or {@code null} for this JVM's
 * @param environment variables added to the workers' environment
 * @param workingDirectory the workers' working directory, or {@code null} for this JVM's
 * @param outputDirectory where each worker's stderr goes, a file per worker, or {@code null}
 * @param discardOutput whether the workers' stderr is dropped (when {@code outputDirectory} is null)
 * @param taskTimeout how long a task may run before its worker is killed, or {@code null}
 * @param cancelGrace how long a cancelled running task may take to stop before its worker is killed
 * @param endChildProcesses whether the processes a worker's tasks start end with it
 * @param maxTasksPerWorker tasks after which a worker is recycled, or 0 for never
 * @param respawn whether a dead worker is replaced
 * @param startupTimeout how long a worker may take to become ready
 * @param maxMessageSize the largest frame body either way
 * @param pipelineDepth the most tasks a worker holds at once (one running, the rest waiting in its pipe)
 * @param pipelineBytes the most argument bytes a worker holds at once (it always takes one task)
 * @param maxPendingTasks the most tasks submitted and not finished before submit waits
 * @param maxPendingBytes the most argument bytes held for such tasks before submit waits
 * @param onWorkerFailure told of each unexpected worker death, off the pool's lock
 * @param errorLog the error log
 * @param infoLog the info log
 * @param exceptionFormatter turns a task's failure into the error log's text
 */
public record EngineConfig(String name, Codec codec, SerializableConsumer<WorkerInfo> init, List<String> jvmArgs,
                           Path javaHome, String classpath, Map<String, String> environment, Path workingDirectory,
                           Path outputDirectory, boolean discardOutput, Duration taskTimeout, Duration cancelGrace,
                           boolean endChildProcesses,
                           int maxTasksPerWorker,
                           boolean respawn, Duration startupTimeout, int maxMessageSize, int pipelineDepth,
                           long pipelineBytes, int maxPendingTasks, long maxPendingBytes,
                           Consumer<WorkerDeath> onWorkerFailure, Consumer<String> errorLog,
                           Consumer<String> infoLog, Function<Throwable, String> exceptionFormatter) {}
