package dev.nproc.pool.internal;

import dev.nproc.pool.internal.worker.WorkerMain;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The workers' classpath, and the check that it can start a worker at all.
 *
 * <p>By default workers get the master's {@code java.class.path}. That holds the application
 * only when the JVM was started with it ({@code java -cp}, {@code java -jar}, Surefire). Under
 * Maven's {@code exec:java}, an application server or some IDE runners it holds a launcher,
 * and the application comes from a class loader of its own, or from the module path: then the
 * classpath is completed with the module path ({@code jdk.module.path}; workers run every module
 * unnamed, on their classpath), and from the class loaders that loaded nproc, the codec, the init hook and the creating thread's
 * context ({@link URLClassLoader}s' {@code file:} URLs) and from the code sources of the classes
 * a worker needs. Whatever the classpath, the classes a worker cannot start without are looked
 * up in it before any worker is launched (folders, jars, {@code dir/*} and the {@code Class-Path}
 * of a jar's manifest), so that a classpath that lacks them fails {@code Pool.create} at once,
 * naming the classpath and the fix, instead of a worker dying with "Could not find or load main
 * class" start after start.
 *
 * <p>Stateless; {@link #of} may run on any thread.
 */
final class WorkerClasspath {
  /** Classes no worker starts without (with the codec's class and the init hook's). */
  private static final List<String> NEEDED = List.of(WorkerMain.class.getName(),
      "dev.nproc.core.Codec", "net.openhft.chronicle.wire.Wires", "net.openhft.chronicle.bytes.Bytes",
      "net.openhft.chronicle.core.Jvm", "org.slf4j.LoggerFactory");

  private WorkerClasspath() {}

  /**
   * Returns the workers' classpath: the one given, or the master's completed from its class
   * loaders.
   *
   * @param given {@code PoolOptions.classpath}, or {@code null}
   * @param extraClasses classes the workers load besides nproc's (the codec's, the init hook's)
   * @return the classpath
   * @throws IllegalStateException if it lacks a class a worker needs, naming the class, the
   *     classpath tried and the fix
   */
  static String of(String given, List<Class<?>> extraClasses) {
    List<String> needed = new ArrayList<>(NEEDED);
    for (Class<?> c : extraClasses) {
      if (!c.isHidden()) { // a lambda's class is not a file; its code source still counts below
        needed.add(c.getName());
      }
    }
    if (given != null) {
      check(given, needed, "PoolOptions.classpath");
      return given;
    }
    String own = System.getProperty("java.class.path", "");
    Entries entries = new Entries();
    split(own).forEach(entries::add);
    // a modular application: its modules' jars go on the workers' classpath, where they run unnamed
    for (String entry : split(System.getProperty("jdk.module.path", ""))) {
      modulePathEntry(entry).forEach(entries::add);
    }
    List<Class<?>> anchors = new ArrayList<>(List.of(WorkerMain.class, dev.nproc.core.Codec.class));
    anchors.addAll(extraClasses);
    for (String name : NEEDED) {
      loadQuietly(name).ifPresent(anchors::add);
    }
    List<ClassLoader> loaders = new ArrayList<>();
    loaders.add(Thread.currentThread().getContextClassLoader());
    anchors.forEach(c -> loaders.add(c.getClassLoader()));
    for (ClassLoader loader : loaders) {
      for (ClassLoader l = loader; l != null; l = l.getParent()) {
        if (l instanceof URLClassLoader) {
          for (URL url : ((URLClassLoader) l).getURLs()) {
            fileOf(url).ifPresent(entries::add);
          }
        }
      }
    }
    for (Class<?> c : anchors) {
      codeSourceOf(c).ifPresent(entries::add);
    }
    String classpath = String.join(File.pathSeparator, entries.list);
    check(classpath, needed, "the master's java.class.path (" + (own.isEmpty() ? "empty" : own)
        + ") completed from its class loaders");
    return classpath;
  }

  /** Classpath entries in order, each once (compared as absolute paths). */
  private static final class Entries {
    final List<String> list = new ArrayList<>();
    final Set<String> seen = new LinkedHashSet<>();

    void add(String entry) {
      if (seen.add(key(entry))) {
        list.add(entry);
      }
    }

    boolean contains(String entry) {
      return seen.contains(key(entry));
    }

    private static String key(String entry) {
      try {
        return Path.of(entry).toAbsolutePath().normalize().toString();
      } catch (InvalidPathException e) {
        return entry;
      }
    }
  }

  private static void check(String classpath, List<String> classes, String what) {
    List<String> entries = split(classpath);
    Entries known = new Entries();
    entries.forEach(known::add);
    for (String name : classes) {
      // the short way, without opening jars: the class as this JVM loaded it comes from an entry
      Optional<String> source = loadQuietly(name).flatMap(WorkerClasspath::codeSourceOf);
      if (source.isPresent() && known.contains(source.get())) {
        continue;
      }
      String resource = name.replace('.', '/') + ".class";
      if (entries.stream().noneMatch(e -> holds(e, resource, 0))) {
        throw new IllegalStateException("the workers' classpath lacks " + name + ", so no worker could start."
            + " Classpath tried (" + what + "):\n  " + (classpath.isEmpty() ? "(empty)" : classpath)
            + "\nThis happens when the application is loaded by a class loader nproc cannot read (an"
            + " application server, a fat-jar launcher, a plug-in system). Set PoolOptions.builder().classpath(...)"
            + " to the jars and folders of your application, nproc and their dependencies.");
      }
    }
  }

  /** Whether a classpath entry holds a resource, following a jar's manifest Class-Path once. */
  private static boolean holds(String entry, String resource, int depth) {
    if (entry.isEmpty()) {
      return false;
    }
    try {
      if (entry.endsWith("*") && (entry.length() == 1 || entry.charAt(entry.length() - 2) == File.separatorChar)) {
        Path dir = Path.of(entry.substring(0, entry.length() - 1).isEmpty() ? "." : entry.substring(0, entry.length() - 1));
        if (!Files.isDirectory(dir)) {
          return false;
        }
        try (Stream<Path> jars = Files.list(dir)) {
          return jars.map(Path::toString).filter(p -> p.endsWith(".jar") || p.endsWith(".JAR"))
              .anyMatch(p -> holds(p, resource, depth));
        }
      }
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        return Files.isRegularFile(path.resolve(resource));
      }
      if (!Files.isRegularFile(path)) {
        return false;
      }
      try (JarFile jar = new JarFile(path.toFile(), false)) {
        if (jar.getEntry(resource) != null) {
          return true;
        }
        Manifest manifest = jar.getManifest();
        String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (classPath == null || depth > 0) {
          return false;
        }
        Path base = path.toAbsolutePath().getParent();
        for (String item : classPath.trim().split("\\s+")) {
          Optional<String> file = item.isEmpty() ? Optional.empty() : fileOf(base.toUri().resolve(item).toURL());
          if (file.isPresent() && holds(file.get(), resource, depth + 1)) {
            return true;
          }
        }
        return false;
      }
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** A module path entry as classpath entries: a folder of modules stands for the jars in it. */
  private static List<String> modulePathEntry(String entry) {
    Path path = Path.of(entry);
    if (!Files.isDirectory(path) || Files.exists(path.resolve("module-info.class"))) {
      return List.of(entry);
    }
    try (Stream<Path> files = Files.list(path)) {
      return files.map(Path::toString).filter(p -> p.endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<String> split(String classpath) {
    List<String> entries = new ArrayList<>();
    for (String e : classpath.split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(e);
      }
    }
    return entries;
  }

  private static Optional<Class<?>> loadQuietly(String name) {
    try {
      return Optional.of(Class.forName(name, false, WorkerClasspath.class.getClassLoader()));
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    }
  }

  private static Optional<String> codeSourceOf(Class<?> c) {
    try {
      CodeSource source = c.getProtectionDomain().getCodeSource();
      return source == null || source.getLocation() == null ? Optional.empty() : fileOf(source.getLocation());
    } catch (SecurityException e) {
      return Optional.empty();
    }
  }

  /** The file or folder a {@code file:} URL names, if it exists. */
  private static Optional<String> fileOf(URL url) {
    if (!"file".equals(url.getProtocol())) {
      return Optional.empty();
    }
    try {
      Path path = Path.of(url.toURI());
      return Files.exists(path) ? Optional.of(path.toString()) : Optional.empty();
    } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      return Optional.empty();
    }
  }
}
