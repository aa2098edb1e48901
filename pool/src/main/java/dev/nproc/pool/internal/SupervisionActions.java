package dev.nproc.pool.internal;

import dev.nproc.core.internal.wire.Shutdown;
import java.time.Duration;

/**
 * What the engine does for its {@link Supervisor}. Called under the engine's lock; what blocks
 * (launching and killing processes, the error log) is left for after the lock
 * ({@link PoolEngine#later}).
 */
final class SupervisionActions implements Supervisor.Port<LiveWorker> {
  private final PoolEngine engine;

  SupervisionActions(PoolEngine engine) {
    this.engine = engine;
  }

  @Override
  public void launch(int slot, int generation) {
    engine.later(() -> engine.launch(slot, generation));
  }

  @Override
  public void shutdown(LiveWorker worker) {
    worker.toldToExit = true;
    worker.connection.link().send(new Shutdown());
  }

  @Override
  public void kill(LiveWorker worker, String reason) {
    if (worker.killReason == null) {
      worker.killReason = reason;
    }
    engine.later(worker.connection::kill);
  }

  @Override
  public Duration exitGrace(LiveWorker worker) {
    return worker.connection.exitGrace();
  }

  @Override
  public void gaveUp(int slot, String message) {
    engine.report(() -> engine.hooks.error("pool " + engine.config.name() + ": " + message));
  }
}
