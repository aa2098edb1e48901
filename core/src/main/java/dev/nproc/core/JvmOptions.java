package dev.nproc.core;

import dev.nproc.core.internal.JvmFlags;
import java.util.List;

/**
 * The JVM options a program that creates an nproc pool must be started with. FST and Chronicle
 * Wire, which nproc uses to serialize, need some JDK internals opened; a pool gives them to its
 * workers itself, but the JVM that creates the pool needs them on its own command line, and
 * {@code Pool.create} fails with a message listing the ones it lacks.
 *
 * <p>The same options ship in nproc-core's jar as an argfile, {@value #ARGFILE_RESOURCE}; it holds
 * the options every JDK from 17 on accepts. On JDK 23 and later {@link #forJdk} adds
 * {@code --sun-misc-unsafe-memory-access=allow}, which older JDKs reject: JDK 23 allows
 * {@code sun.misc.Unsafe} by default, 24 and 25 warn once without it, and later JDKs are expected
 * to deny it.
 *
 * <p>From a shell, write the argfile for the JDK that runs the command:
 * <pre>{@code
 * java -cp nproc-core.jar dev.nproc.core.JvmOptions > nproc.args
 * java @nproc.args -cp ... your.Main
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class JvmOptions {
  /** Where the argfile lives on the classpath (in nproc-core's jar). */
  public static final String ARGFILE_RESOURCE = JvmFlags.ARGFILE_RESOURCE;

  private JvmOptions() {}

  /**
   * Returns the options the running JDK needs, in argfile order.
   *
   * @return the options, one per element, immutable
   */
  public static List<String> forRunningJdk() {
    return JvmFlags.flagsFor(Runtime.version().feature());
  }

  /**
   * Returns the options a JDK of the given feature release needs.
   *
   * @param feature the JDK's feature release, such as 17 or 25
   * @return the options, one per element, immutable
   * @throws IllegalArgumentException if {@code feature} is below 17, which nproc does not run on
   */
  public static List<String> forJdk(int feature) {
    if (feature < 17) {
      throw new IllegalArgumentException("nproc runs on Java 17 or later, not " + feature);
    }
    return JvmFlags.flagsFor(feature);
  }

  /**
   * Returns the options this JVM was started without and a pool needs; {@code Pool.create} fails
   * when this is not empty. The option for {@code sun.misc.Unsafe} counts as missing only where
   * the JDK would deny its use.
   *
   * @return the missing options, empty when nothing is missing
   */
  public static List<String> missingInRunningJvm() {
    return List.copyOf(JvmFlags.missingInThisJvm());
  }

  /**
   * Prints the options, one a line: an argfile for {@code java @file}.
   *
   * @param args nothing for the running JDK, or one feature release (such as {@code 25}) to print
   *     the options of another JDK
   */
  public static void main(String[] args) {
    if (args.length > 1 || (args.length == 1 && !args[0].matches("\\d{1,3}"))) {
      System.err.println("usage: java -cp nproc-core.jar " + JvmOptions.class.getName()
          + " [feature release, such as 25] > nproc.args");
      System.exit(2);
    }
    List<String> options = args.length == 0 ? forRunningJdk() : forJdk(Integer.parseInt(args[0]));
    options.forEach(System.out::println);
  }
}
