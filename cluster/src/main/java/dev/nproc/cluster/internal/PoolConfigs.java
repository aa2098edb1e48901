package dev.nproc.cluster.internal;

import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.WorkerFailure;
import dev.nproc.pool.internal.EngineConfig;

/**
 * Translates the public {@link PoolOptions} into the engine's {@link EngineConfig}, as the local
 * pool does for itself (that translation is package-private in {@code dev.nproc.pool}, so this is
 * its twin for the cluster module; keep the two in step). Stateless.
 */
final class PoolConfigs {
  private PoolConfigs() {}

  static EngineConfig engineConfig(PoolOptions o) {
    return new EngineConfig(o.name(), o.codec(), o.init(), o.jvmArgs(), o.javaHome(), o.classpath(),
        o.environment(), o.workingDirectory(), o.workerOutput().directory(), o.workerOutput().isDiscard(),
        o.taskTimeout(), o.cancelGrace(), o.endChildProcesses(), o.maxTasksPerWorker(), o.respawn(),
        o.startupTimeout(), o.maxMessageSize(), o.pipelineDepth(), o.pipelineBytes(), o.maxPendingTasks(), o.maxPendingBytes(),
        death -> o.onWorkerFailure().accept(new WorkerFailure(death.worker(), death.exitCode(), death.signal(),
            death.reason(), death.lastOutput())),
        o.errorLog(), o.infoLog(), o.exceptionFormatter());
  }
}
