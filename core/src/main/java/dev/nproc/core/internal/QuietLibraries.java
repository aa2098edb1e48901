package dev.nproc.core.internal;

/**
 * Keeps the libraries nproc uses from talking on their own, by system properties set before they
 * start (each only when the user has not set it):
 * <ul>
 *   <li>Chronicle logs "Chronicle core loaded from ..." at INFO through the SLF4J logger
 *       {@code net.openhft.chronicle.core.Jvm} when it starts, in every JVM that uses it. It has no
 *       switch of its own (it stays quiet only under JUnit), so the level of that one logger is set
 *       to WARN where a system property can do it: for {@code slf4j-simple}. Other providers take
 *       the level from their own configuration.
 *   <li>In a worker, SLF4J's own reports ("No SLF4J providers were found", several providers...)
 *       are turned down to errors ({@code slf4j.internal.verbosity}): every worker would print them,
 *       and the master would paste them into death reports as the worker's last output.
 * </ul>
 *
 * <p>Thread-safe; call before the first use of SLF4J or Chronicle for it to take effect.
 */
public final class QuietLibraries {
  /** The slf4j-simple property that sets the level of Chronicle's start-up logger. */
  static final String CHRONICLE_BANNER_LEVEL = "org.slf4j.simpleLogger.log.net.openhft.chronicle.core.Jvm";
  /** SLF4J's own property (2.0.10 and later) for the verbosity of its reports. */
  static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

  private QuietLibraries() {}

  /** In a master: turns Chronicle's start-up banner off where a system property can. */
  public static void inMaster() {
    setIfAbsent(CHRONICLE_BANNER_LEVEL, "warn");
  }

  /** In a worker: turns Chronicle's banner off, and SLF4J's reports down to errors. */
  public static void inWorker() {
    setIfAbsent(CHRONICLE_BANNER_LEVEL, "warn");
    setIfAbsent(SLF4J_VERBOSITY, "ERROR");
  }

  private static void setIfAbsent(String key, String value) {
    synchronized (System.getProperties()) {
      if (System.getProperty(key) == null) {
        System.setProperty(key, value);
      }
    }
  }
}
