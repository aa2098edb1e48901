package dev.nproc.pool.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The key of a {@link ClassDataArchive}: what one kind of worker JVM is, written out as text,
 * and the file name that stands for it. The text holds the workers' JDK (home folder,
 * {@code release} file, size and time of {@code lib/modules}, of the JVM library and of the
 * JDK's base archive), their JVM options except plain system properties, the
 * {@code JAVA_TOOL_OPTIONS}-like variables of their environment, and each classpath entry's
 * path, size and modification time; the name is the JDK's feature release and a 128-bit hash
 * of that text. Workers whose key differs never share an archive.
 *
 * <p>Describing also finds the workers that can have no archive at all: JVM options that set
 * class-data sharing or AOT themselves, a JDK without a base archive, a classpath that holds a
 * folder or a wildcard.
 *
 * <p>Stateless and thread-safe; it reads the file system but never writes it.
 */
final class ArchiveKey {
  /** Options of the workers' JVM that mean the user runs class-data sharing or AOT their own way. */
  private static final List<String> OWN_SHARING_OPTIONS = List.of("-Xshare", "-XX:SharedArchiveFile",
      "-XX:ArchiveClassesAtExit", "-XX:+AutoCreateSharedArchive", "-XX:SharedClassListFile",
      "-XX:DumpLoadedClassList", "-XX:+RecordDynamicDumpInfo", "-XX:-UseSharedSpaces", "-XX:AOT",
      "-XX:+AOT", "--patch-module", "--limit-modules", "--upgrade-module-path");
  private static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

  private ArchiveKey() {}

  /**
   * Writes what an archive for these workers depends on into {@code k}.
   *
   * @param command the workers' command
   * @param environment the workers' environment
   * @param workingDirectory the workers' folder, {@code null} for the master's
   * @param k where to write the description
   * @return why there can be no archive for these workers, or {@code null}
   * @throws IOException if the workers' JDK cannot be read
   */
  static String describe(WorkerCommand command, Map<String, String> environment, Path workingDirectory,
                         StringBuilder k) throws IOException {
    return describe(command, environment, workingDirectory, k, false);
  }

  /**
   * Writes what an archive for these workers depends on into {@code k}; with {@code skipFolders},
   * the classpath's folders are passed over instead of refused, to find out whether anything
   * else stands in the way before they are packed into jars ({@link FolderJars}).
   *
   * @param command the workers' command
   * @param environment the workers' environment
   * @param workingDirectory the workers' folder, {@code null} for the master's
   * @param k where to write the description
   * @param skipFolders whether to pass over the classpath's folders
   * @return why there can be no archive for these workers, or {@code null}
   * @throws IOException if the workers' JDK cannot be read
   */
  static String describe(WorkerCommand command, Map<String, String> environment, Path workingDirectory,
                         StringBuilder k, boolean skipFolders) throws IOException {
    k.append("nproc class-data archive 1\n");
    for (String flag : command.jvmFlags()) {
      String own = ownSharingOption(flag);
      if (own != null) {
        return "the workers' JVM options set class-data sharing themselves (" + own + ")";
      }
      // System properties do not change what an archive may hold, and a pool may well pass
      // one that differs each time; the module-system ones do.
      if (!flag.startsWith("-D") || flag.startsWith("-Djdk.module.") || flag.startsWith("-Djava.system.class.loader")) {
        k.append("flag ").append(flag).append('\n');
      }
      // Flags read from a file: the file's size and time stand for its content.
      if (flag.startsWith("@")) {
        stamp(k, Path.of(flag.substring(1)));
      } else if (flag.startsWith("-XX:VMOptionsFile=")) {
        stamp(k, Path.of(flag.substring("-XX:VMOptionsFile=".length())));
      }
    }
    for (String variable : OPTION_VARIABLES) {
      String value = environment.get(variable);
      if (value != null) {
        for (String flag : value.trim().split("\\s+")) {
          String own = ownSharingOption(flag);
          if (own != null) {
            return "the workers' " + variable + " sets class-data sharing (" + own + ")";
          }
        }
        k.append("env ").append(variable).append('=').append(value).append('\n');
      }
    }
    Path home = command.javaHome().toRealPath();
    Path base = home.resolve("lib").resolve("server").resolve("classes.jsa");
    if (!Files.isRegularFile(base)) {
      base = home.resolve("bin").resolve("server").resolve("classes.jsa");
      if (!Files.isRegularFile(base)) {
        return "the workers' JDK (" + home + ") has no base class-data archive (lib/server/classes.jsa)";
      }
    }
    k.append("home ").append(home).append('\n');
    k.append("release ").append(new String(Files.readAllBytes(home.resolve("release")), StandardCharsets.UTF_8))
        .append('\n');
    stamp(k, home.resolve("lib").resolve("modules"));
    stamp(k, base);
    stamp(k, home.resolve("lib").resolve("server").resolve("libjvm.so"));
    stamp(k, home.resolve("lib").resolve("server").resolve("libjvm.dylib"));
    stamp(k, home.resolve("bin").resolve("server").resolve("jvm.dll"));
    Path dir = workingDirectory != null ? workingDirectory : Path.of("").toAbsolutePath();
    for (String entry : command.classpath().split(File.pathSeparator, -1)) {
      if (entry.isEmpty() || entry.equals(".")) {
        return "the classpath holds the current folder; the JVM archives classes from jar files only";
      }
      if (entry.endsWith("*")) {
        return "the classpath holds a wildcard (" + entry + ")";
      }
      Path path;
      try {
        path = dir.resolve(entry).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        return "the classpath holds an entry that is not a path (" + entry + ")";
      }
      if (Files.isDirectory(path)) {
        if (skipFolders) {
          continue;
        }
        return "the classpath holds a folder (" + path + "); the JVM archives classes from jar files only";
      }
      stamp(k.append("cp "), path);
    }
    return null;
  }

  /**
   * Returns the name of the archive for workers described by {@code description}.
   *
   * @param feature the workers' JDK feature release
   * @param description what {@link #describe} wrote
   * @return the archive's file name, without its suffix
   */
  static String name(int feature, CharSequence description) {
    return "jdk" + feature + "-" + hash128(description);
  }

  private static String ownSharingOption(String flag) {
    for (String option : OWN_SHARING_OPTIONS) {
      if (flag.startsWith(option)) {
        return flag;
      }
    }
    return null;
  }

  /** Appends a file's path, size and modification time, or that it is missing. */
  private static void stamp(StringBuilder k, Path file) {
    k.append(file).append(' ');
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      k.append(a.size()).append(' ').append(a.lastModifiedTime().toMillis());
    } catch (IOException e) {
      k.append("missing");
    }
    k.append('\n');
  }

  /** A 128-bit hash in hex: two independent 64-bit hashes (FNV-1a, and a multiplicative one), each mixed. */
  static String hash128(CharSequence text) {
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    long h1 = 0xcbf29ce484222325L;
    long h2 = 0x9e3779b97f4a7c15L;
    for (byte b : bytes) {
      h1 = (h1 ^ (b & 0xff)) * 0x100000001b3L;
      h2 = (h2 + (b & 0xff)) * 0xc2b2ae3d27d4eb4fL;
      h2 ^= h2 >>> 29;
    }
    return String.format(Locale.ROOT, "%016x%016x", mix(h1 ^ bytes.length), mix(h2));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
