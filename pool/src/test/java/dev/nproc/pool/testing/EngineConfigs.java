package dev.nproc.pool.testing;

import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.internal.EngineConfig;
import java.lang.reflect.Method;

/** For tests of the engine's parts: the engine's settings for public options, as a pool makes them. */
public final class EngineConfigs {
  private EngineConfigs() {}

  /**
   * Translates options as {@code Pool.create} does.
   *
   * @param options the options
   * @return the engine's settings
   */
  public static EngineConfig of(PoolOptions options) {
    try {
      Method config = Class.forName("dev.nproc.pool.LocalPool").getDeclaredMethod("config", PoolOptions.class);
      config.setAccessible(true);
      return (EngineConfig) config.invoke(null, options);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
