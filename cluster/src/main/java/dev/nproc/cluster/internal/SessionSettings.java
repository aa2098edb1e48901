package dev.nproc.cluster.internal;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import dev.nproc.core.Codec;
import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.internal.EngineConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a master's {@code PoolOptions} say about its workers on a node, as they travel in
 * {@link Calls.Open}: the settings of the tasks and workers (name, JVM arguments added to the
 * node's, time-outs, recycling, pipelining, the codec's class), the encoded init hook and
 * environment, and the lease after which a silent master's session ends. Where the workers run
 * (JDK, working directory, output, environment variables) is the node's business: its own
 * {@code PoolOptions}. Immutable.
 *
 * @param name the master's pool name
 * @param jvmArgs the master's JVM arguments for workers, added after the node's
 * @param taskTimeoutMillis the task time-out, or -1 for none
 * @param cancelGraceMillis the cancel grace
 * @param maxTasksPerWorker tasks after which a worker is recycled, or 0
 * @param respawn whether a dead worker is replaced
 * @param startupTimeoutMillis how long a worker may take to start
 * @param maxMessageSize the largest frame
 * @param pipelineDepth tasks a worker holds at once
 * @param codecClass the codec's class, which the workers instantiate
 * @param leaseMillis how long the node keeps a session whose master stopped polling
 * @param init the encoded init hook, or empty
 * @param env the encoded environment, or empty for a basic pool
 * @param full whether this is a Full mode session
 */
record SessionSettings(String name, String[] jvmArgs, long taskTimeoutMillis, long cancelGraceMillis,
                       int maxTasksPerWorker, boolean respawn, long startupTimeoutMillis, int maxMessageSize,
                       int pipelineDepth, String codecClass, long leaseMillis, byte[] init, byte[] env, boolean full) {

  /** The settings of a master's options. */
  static SessionSettings of(PoolOptions o, long leaseMillis, byte[] init, byte[] env, boolean full) {
    return new SessionSettings(o.name(), o.jvmArgs().toArray(new String[0]),
        o.taskTimeout() == null ? -1 : o.taskTimeout().toMillis(), o.cancelGrace().toMillis(), o.maxTasksPerWorker(),
        o.respawn(), o.startupTimeout().toMillis(), o.maxMessageSize(), o.pipelineDepth(), o.codec().getClass().getName(),
        leaseMillis, init, env, full);
  }

  /**
   * The engine's config for a session on a node: the node's options, with the master's settings.
   *
   * @param node the node's options
   * @param classpath the workers' classpath, or {@code null} for the node's own
   * @param sessionName the name for threads, logs and output prefixes
   * @return the config
   * @throws IllegalArgumentException if the codec class cannot be made on this node
   */
  EngineConfig engineConfig(PoolOptions node, String classpath, String sessionName) {
    Codec codec;
    try {
      codec = (Codec) Class.forName(codecClass).getConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
      throw new IllegalArgumentException("the master's codec " + codecClass + " cannot be made on this node: " + e
          + " (a codec must be on the node's own classpath, with a public no-argument constructor)");
    }
    List<String> args = new ArrayList<>(node.jvmArgs());
    args.addAll(List.of(jvmArgs));
    EngineConfig base = PoolConfigs.engineConfig(node);
    return new EngineConfig(sessionName, codec, null, List.copyOf(args), base.javaHome(),
        classpath != null ? classpath : base.classpath(), base.environment(), base.workingDirectory(),
        base.outputDirectory(), base.discardOutput(), taskTimeoutMillis < 0 ? null : Duration.ofMillis(taskTimeoutMillis),
        Duration.ofMillis(cancelGraceMillis), base.endChildProcesses(), maxTasksPerWorker, respawn,
        Duration.ofMillis(startupTimeoutMillis), maxMessageSize, pipelineDepth, base.pipelineBytes(), base.maxPendingTasks(),
        base.maxPendingBytes(), base.onWorkerFailure(), base.errorLog(), base.infoLog(), base.exceptionFormatter());
  }

  void write(ObjectDataOutput out) throws IOException {
    out.writeString(name);
    out.writeStringArray(jvmArgs);
    out.writeLong(taskTimeoutMillis);
    out.writeLong(cancelGraceMillis);
    out.writeInt(maxTasksPerWorker);
    out.writeBoolean(respawn);
    out.writeLong(startupTimeoutMillis);
    out.writeInt(maxMessageSize);
    out.writeInt(pipelineDepth);
    out.writeString(codecClass);
    out.writeLong(leaseMillis);
    out.writeByteArray(init);
    out.writeByteArray(env);
    out.writeBoolean(full);
  }

  static SessionSettings read(ObjectDataInput in) throws IOException {
    return new SessionSettings(in.readString(), in.readStringArray(), in.readLong(), in.readLong(), in.readInt(),
        in.readBoolean(), in.readLong(), in.readInt(), in.readInt(), in.readString(), in.readLong(), in.readByteArray(),
        in.readByteArray(), in.readBoolean());
  }
}
