package dev.nproc.stream.internal;

import dev.nproc.core.SerializableConsumer;
import dev.nproc.core.WorkerInfo;
import dev.nproc.pool.PoolOptions;

/**
 * Makes a copy of a {@link PoolOptions} with an {@code init} hook added, since the pool's
 * options have no {@code toBuilder}. Copies every setting {@link PoolOptions} exposes today; a
 * setting added to it later must be added here too.
 *
 * <p>Stateless and thread-safe.
 */
public final class PoolOptionsCopy {
  private PoolOptionsCopy() {}

  /**
   * Returns {@code base} with {@code init} as its init hook.
   *
   * @param base options without an init hook, or {@code null} for the defaults
   * @param init the hook
   * @return the new options
   */
  public static PoolOptions withInit(PoolOptions base, SerializableConsumer<WorkerInfo> init) {
    PoolOptions.Builder b = PoolOptions.builder().init(init);
    if (base == null) {
      return b.build();
    }
    if (base.init() != null) {
      throw new IllegalStateException("the pool options already have an init");
    }
    b.jvmArgs(base.jvmArgs())
        .environment(base.environment())
        .name(base.name())
        .workerOutput(base.workerOutput())
        .respawn(base.respawn())
        .startupTimeout(base.startupTimeout())
        .maxMessageSize(base.maxMessageSize())
        .codec(base.codec())
        .onWorkerFailure(base.onWorkerFailure())
        .errorLog(base.errorLog())
        .infoLog(base.infoLog())
        .exceptionFormatter(base.exceptionFormatter());
    if (base.javaHome() != null) {
      b.javaHome(base.javaHome());
    }
    if (base.classpath() != null) {
      b.classpath(base.classpath());
    }
    if (base.workingDirectory() != null) {
      b.workingDirectory(base.workingDirectory());
    }
    if (base.taskTimeout() != null) {
      b.taskTimeout(base.taskTimeout());
    }
    if (base.maxTasksPerWorker() > 0) {
      b.maxTasksPerWorker(base.maxTasksPerWorker());
    }
    return b.build();
  }
}
