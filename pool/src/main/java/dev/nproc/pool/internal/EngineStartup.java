package dev.nproc.pool.internal;

import dev.nproc.core.Codec;
import dev.nproc.core.CodecException;
import dev.nproc.core.JvmOptions;
import dev.nproc.core.internal.JvmFlags;
import dev.nproc.core.internal.QuietLibraries;
import dev.nproc.core.internal.wire.FrameWriter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * How a pool starts: the checks that fail before any worker is launched (this JVM's flags, the
 * init hook and the environment that must travel), then the first workers, waited for on the
 * creating thread. Stateless.
 */
public final class EngineStartup {
  private static final byte[] NONE = new byte[0];

  private EngineStartup() {}

  /**
   * Checks this JVM's flags, starts {@code nproc} local worker JVMs and waits until each is ready
   * or has failed to start.
   *
   * @param nproc the number of workers
   * @param serv the service function of Full mode, or {@code null} for a basic pool
   * @param env the environment of Full mode (ignored for a basic pool)
   * @param config the settings
   * @return the engine, with at least one worker ready
   * @throws IllegalStateException if flags are missing or no worker could start
   * @throws IllegalArgumentException if the init hook or the environment cannot be serialized
   */
  public static PoolEngine start(int nproc, Function<?, ? extends CompletionStage<?>> serv, Object env,
                                 EngineConfig config) {
    checkThisJvm(nproc, config);
    byte[] initBytes = config.init() == null ? NONE : encodeOrReject(config.codec(), config.init(), "PoolOptions.init");
    byte[] envBytes = serv == null ? NONE : encodeOrReject(config.codec(), env, "the environment");
    checkEnvironmentSize(envBytes.length, config.maxMessageSize());
    return launch(nproc, new ServiceBridge(serv, config.codec(), config.maxMessageSize()), initBytes, envBytes, config);
  }

  /**
   * Checks the number of workers, the config and this JVM's flags.
   *
   * @param nproc the number of workers
   * @param config the settings
   */
  static void checkThisJvm(int nproc, EngineConfig config) {
    if (nproc < 1) {
      throw new IllegalArgumentException("nproc must be at least 1, not " + nproc);
    }
    Objects.requireNonNull(config, "config");
    List<String> missing = JvmFlags.missingInThisJvm();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missingFlagsMessage(missing));
    }
    QuietLibraries.inMaster(); // before this pool's first use of Chronicle
    JvmFlags.unsafeWarningHint().ifPresent(hint -> config.infoLog().accept("pool " + config.name() + ": " + hint));
  }

  /**
   * Checks that an encoded environment fits in a frame.
   *
   * @param size its size in bytes
   * @param maxMessageSize the largest frame body
   */
  static void checkEnvironmentSize(long size, int maxMessageSize) {
    if (!FrameWriter.fits(size, maxMessageSize)) {
      throw new IllegalArgumentException("the environment takes " + size
          + " bytes, more than maxMessageSize (" + maxMessageSize + " bytes)");
    }
  }

  /**
   * Creates the engine over local worker JVMs, starts them and waits until each is ready or
   * failed to start.
   *
   * @param nproc the number of workers
   * @param service the bridge for Full mode's requests
   * @param initBytes the encoded init hook, or empty
   * @param envBytes the encoded environment, or empty
   * @param config the settings
   * @return the engine, with at least one worker ready
   */
  static PoolEngine launch(int nproc, ServiceBridge service, byte[] initBytes, byte[] envBytes, EngineConfig config) {
    PoolEngine engine = new PoolEngine(nproc, service, initBytes, envBytes, config, new LocalJvmLauncher(config));
    String firstFailure = null;
    int ready = 0;
    for (CompletableFuture<Void> startup : engine.startWorkers()) {
      try {
        startup.join();
        ready++;
      } catch (CompletionException | CancellationException e) {
        if (firstFailure == null) {
          firstFailure = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        }
      }
    }
    if (ready == 0) {
      engine.terminate();
      engine.whenClosed().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
      throw new IllegalStateException("pool " + config.name() + ": no worker could start. " + firstFailure);
    }
    config.infoLog().accept("pool " + config.name() + ": " + ready + " of " + nproc + " workers ready");
    return engine;
  }

  static String missingFlagsMessage(List<String> missing) {
    return "nproc needs JVM flags that this JVM (Java " + Runtime.version() + ") was started without:\n  "
        + String.join("\n  ", missing) + "\n"
        + "Add them to the java command line, for example with the argfile nproc ships:\n"
        + "  java @nproc.args" + (missing.contains(JvmFlags.UNSAFE_FLAG) ? " " + JvmFlags.UNSAFE_FLAG : "")
        + " -cp <your classpath> <your main class>\n"
        + "  (write nproc.args with: java -cp nproc-core.jar " + JvmOptions.class.getName() + " > nproc.args;"
        + " on JDK 23 and later it holds " + JvmFlags.UNSAFE_FLAG + " too; in code: "
        + JvmOptions.class.getSimpleName() + ".forJdk(int))\n"
        + "  Maven Surefire: <argLine>" + String.join(" ", missing) + "</argLine>\n"
        + "  exec:java or mvn itself: put them in .mvn/jvm.config or MAVEN_OPTS\n"
        + "Workers get them from the pool; only the master's own command line needs them.";
  }

  private static byte[] encodeOrReject(Codec codec, Object value, String what) {
    try {
      return codec.encode(value);
    } catch (CodecException e) {
      throw new IllegalArgumentException(what + " cannot be serialized: " + e.getMessage(), e);
    }
  }
}
