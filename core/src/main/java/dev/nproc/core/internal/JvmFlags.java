package dev.nproc.core.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags FST and Chronicle need, on the master and on every worker. They are kept in one
 * place, the argfile {@value #ARGFILE_RESOURCE} in nproc-core's jar, which also feeds Surefire's
 * {@code argLine} in this build and is shipped to users as {@code nproc.args}. JDK 23 and later
 * also want {@value #UNSAFE_FLAG}, which older JDKs reject, so it is not in the argfile.
 *
 * <p>Users reach them through the public {@code dev.nproc.core.JvmOptions}, whose {@code main}
 * prints the argfile for the running JDK.
 *
 * <p>Stateless and thread-safe.
 */
public final class JvmFlags {
  /** Where the argfile lives on the classpath. */
  public static final String ARGFILE_RESOURCE = "/dev/nproc/core/nproc.args";
  /** The flag JDK 23 and later need for {@code sun.misc.Unsafe} memory access without warnings. */
  public static final String UNSAFE_FLAG = "--sun-misc-unsafe-memory-access=allow";
  /**
   * The argfile's one flag that nothing requires, so {@link #missingInThisJvm} never reports it:
   * it lets the master load JNA's native part on JDK 24 and later without the JDK's warning, to
   * enlarge its workers' pipes. JDK 17 accepts it too.
   */
  public static final String NATIVE_ACCESS_FLAG = "--enable-native-access=ALL-UNNAMED";
  /** The first feature release that needs {@link #UNSAFE_FLAG}. */
  public static final int UNSAFE_FLAG_SINCE = 23;

  private static final Pattern OPEN_OR_EXPORT =
      Pattern.compile("--add-(opens|exports)=([\\w.]+)/([\\w.]+)=ALL-UNNAMED");
  private static final Pattern RELEASE_VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)");

  private JvmFlags() {}

  /**
   * Returns the flags of the argfile, the same for every JDK.
   *
   * @return the flags, one per element
   */
  public static List<String> argfileFlags() {
    try (InputStream in = JvmFlags.class.getResourceAsStream(ARGFILE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("nproc-core is damaged: " + ARGFILE_RESOURCE + " is missing");
      }
      List<String> flags = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          flags.add(line.strip());
        }
      }
      return List.copyOf(flags);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns every flag a JVM of the given feature release needs.
   *
   * @param feature the JDK's feature release, such as 17 or 25
   * @return the flags
   */
  public static List<String> flagsFor(int feature) {
    List<String> flags = new ArrayList<>(argfileFlags());
    if (feature >= UNSAFE_FLAG_SINCE) {
      flags.add(UNSAFE_FLAG);
    }
    return List.copyOf(flags);
  }

  /**
   * Returns the flags this JVM lacks, checked with {@link Module#isOpen} and
   * {@link Module#isExported} against the unnamed module nproc runs in.
   *
   * @return the missing flags, empty when all are there
   */
  public static List<String> missingInThisJvm() {
    Module unnamed = JvmFlags.class.getClassLoader() == null
        ? ClassLoader.getSystemClassLoader().getUnnamedModule()
        : JvmFlags.class.getClassLoader().getUnnamedModule();
    List<String> missing = new ArrayList<>();
    for (String flag : flagsFor(Runtime.version().feature())) {
      Matcher m = OPEN_OR_EXPORT.matcher(flag);
      if (m.matches()) {
        Optional<Module> module = ModuleLayer.boot().findModule(m.group(2));
        boolean ok = module.isEmpty()
            || (m.group(1).equals("opens")
                ? module.get().isOpen(m.group(3), unnamed)
                : module.get().isExported(m.group(3), unnamed));
        if (!ok) {
          missing.add(flag);
        }
      } else if (flag.equals(UNSAFE_FLAG) && unsafeMemoryAccessDenied()) {
        missing.add(flag);
      }
    }
    return missing;
  }

  /**
   * Tells whether this JVM refuses {@code sun.misc.Unsafe} memory access, which FST and Chronicle
   * need: when it was started with {@code --sun-misc-unsafe-memory-access=deny}, or, on a JDK later
   * than 25 started without the flag, when a real access is refused ({@link #unsafeAccessRefused}):
   * JDK 23 allows by default and 24 and 25 only warn, while the default of later JDKs is theirs to
   * choose, so it is tried rather than guessed from the version.
   *
   * @return whether it does
   */
  static boolean unsafeMemoryAccessDenied() {
    String mode = System.getProperty("sun.misc.unsafe.memory.access");
    return "deny".equals(mode) || (mode == null && Runtime.version().feature() > 25 && UnsafeProbe.REFUSED);
  }

  /**
   * Tries one {@code sun.misc.Unsafe} memory access (allocates and frees 8 bytes off the heap), as
   * FST and Chronicle will: a JVM that denies it throws {@link UnsupportedOperationException}; one
   * that warns prints its warning now instead of at the codec's first use.
   *
   * @return whether the access was refused
   */
  static boolean unsafeAccessRefused() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      java.lang.reflect.Field field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      Object unsafe = field.get(null);
      long address = (long) unsafeClass.getMethod("allocateMemory", long.class).invoke(unsafe, 8L);
      unsafeClass.getMethod("freeMemory", long.class).invoke(unsafe, address);
      return false;
    } catch (java.lang.reflect.InvocationTargetException e) {
      return e.getCause() instanceof UnsupportedOperationException;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false; // no sun.misc.Unsafe to try: FST and Chronicle will say what they lack themselves
    }
  }

  /** The probe's answer, found once per JVM on first need. */
  private static final class UnsafeProbe {
    static final boolean REFUSED = unsafeAccessRefused();
  }

  /**
   * Returns, when this JVM warns about {@code sun.misc.Unsafe} memory access (JDK 24 and 25
   * without the flag), one line that says how to silence it; workers get the flag from the pool.
   *
   * @return the line, or empty when there is nothing to say
   */
  public static Optional<String> unsafeWarningHint() {
    String mode = System.getProperty("sun.misc.unsafe.memory.access");
    if (Runtime.version().feature() < 24 || "allow".equals(mode) || unsafeMemoryAccessDenied()) {
      return Optional.empty();
    }
    return Optional.of("this JVM (Java " + Runtime.version().feature() + ") warns once about sun.misc.Unsafe"
        + " memory access, which FST and Chronicle use; add " + UNSAFE_FLAG + " to its command line to silence"
        + " it (the workers get it from the pool)");
  }

  /**
   * Returns the feature release of the JDK installed at {@code javaHome}, read from its
   * {@code release} file.
   *
   * @param javaHome the JDK's home folder
   * @return the feature release, or empty if the file is missing or unreadable
   */
  public static Optional<Integer> featureOf(Path javaHome) {
    try {
      for (String line : Files.readAllLines(javaHome.resolve("release"), StandardCharsets.UTF_8)) {
        Matcher m = RELEASE_VERSION.matcher(line);
        if (m.find()) {
          int major = Integer.parseInt(m.group(1));
          return Optional.of(major == 1 ? 8 : major);
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return Optional.empty();
  }
}
