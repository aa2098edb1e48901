package dev.nproc.pool.internal;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The folders of the workers' classpath (an IDE's or Maven's {@code target/classes}), each
 * packed into a jar named after its content, so that the workers can have a class-data archive
 * (the JVM archives classes from jar files only, and refuses to write an archive when the
 * classpath holds a non-empty folder).
 *
 * <p>Each folder entry of the classpath is replaced, in place, by a jar of the same files
 * (directory entries included, each file's time kept), kept in a folder of the archive cache.
 * The jar's name is the folder's name and a 128-bit hash of every file's relative path, size
 * and modification time: a changed class gives a new jar, and the next pool a new archive. So
 * classes load in the same order from the same bytes, under the same class loader, with no
 * manifest, as they would from the folder. What differs, and is documented: a resource's URL is a
 * {@code jar:} URL into the cached jar instead of a {@code file:} URL into the folder, a class's
 * code source is the cached jar, and a file added to the folder after the pool started is not seen
 * by that pool's workers (a respawned worker uses the same jars).
 *
 * <p>A folder is left as it is (and the workers get no archive) when it cannot be packed faithfully
 * or cheaply: it holds a {@code META-INF/MANIFEST.MF}, a jar index or signature files (which a jar
 * would act on), more than {@value #MAX_FILES} files or {@value #MAX_BYTES} bytes, a loop of links,
 * or it is the current folder itself ({@code .}, often a whole project).
 *
 * <h2>Concurrency</h2>
 * Stateless; several pools and JVMs may pack into the same folder at once. A jar is written to a
 * temporary file of a unique name, then linked to its name ({@code link(2)}, which never replaces a
 * file; a rename where links are not supported): a reader sees no jar or a whole one, and a jar
 * once in place is never rewritten, so its time, on which the archives are keyed, stays. The jars not
 * written longest ago are deleted beyond {@value #KEPT_JARS}, once an hour old; a worker that has a
 * jar open keeps it.
 */
final class FolderJars {
  /** The system property that turns packing off: {@code -Dnproc.cds.jarFolders=false}. */
  static final String ENABLED_PROPERTY = "nproc.cds.jarFolders";
  /** The sub-folder of the archive folder that holds the jars. */
  static final String SUBFOLDER = "jars";
  static final int MAX_FILES = 50_000;
  static final long MAX_BYTES = 256L << 20;
  static final int KEPT_JARS = 32;
  private static final String TEMP_SUFFIX = ".tmp";

  private FolderJars() {}

  /** The outcome: the classpath to give workers, or why it stays as it was. */
  record Packed(String classpath, String refused, List<Path> written) {}

  /**
   * Packs each folder of {@code classpath} into a cached jar.
   *
   * @param classpath the workers' classpath
   * @param workingDirectory the folder relative entries are resolved against, {@code null} for the master's
   * @param cacheFolder the archive folder; the jars go into its sub-folder {@value #SUBFOLDER}
   * @return the new classpath (the same string when it holds no folder), or why not
   */
  static Packed pack(String classpath, Path workingDirectory, Path cacheFolder) {
    if (System.getProperty(ENABLED_PROPERTY, "true").equalsIgnoreCase("false")) {
      return new Packed(classpath, "packing the classpath's folders is turned off by -D" + ENABLED_PROPERTY
          + "=false", List.of());
    }
    Path dir = workingDirectory != null ? workingDirectory : Path.of("").toAbsolutePath();
    String[] entries = classpath.split(File.pathSeparator, -1);
    List<String> out = new ArrayList<>(entries.length);
    List<Path> written = new ArrayList<>();
    boolean changed = false;
    try {
      for (String entry : entries) {
        if (entry.isEmpty() || entry.equals(".")) {
          return new Packed(classpath, "the classpath holds the current folder", List.of());
        }
        Path path;
        try {
          path = dir.resolve(entry).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
          out.add(entry);
          continue;
        }
        if (!Files.isDirectory(path)) {
          out.add(entry);
          continue;
        }
        List<Path> files = new ArrayList<>();
        String refused = list(path, files);
        if (refused != null) {
          return new Packed(classpath, refused, List.of());
        }
        if (files.isEmpty()) {
          out.add(entry); // an empty folder is allowed in an archived classpath
          continue;
        }
        Path jars = cacheFolder.resolve(SUBFOLDER);
        Path jar = jars.resolve(jarName(path, files));
        if (!Files.isRegularFile(jar)) {
          write(path, files, jar);
          written.add(jar);
        }
        out.add(jar.toString());
        changed = true;
      }
    } catch (IOException | RuntimeException e) {
      return new Packed(classpath, "cannot pack the classpath's folders into jars: " + e, List.of());
    }
    if (!written.isEmpty()) {
      evict(cacheFolder.resolve(SUBFOLDER));
    }
    return new Packed(changed ? String.join(File.pathSeparator, out) : classpath, null, written);
  }

  /** Lists the folder's files and sub-folders, sorted; returns why it cannot be packed, or {@code null}. */
  private static String list(Path folder, List<Path> into) throws IOException {
    long bytes = 0;
    try (Stream<Path> walk = Files.walk(folder, FileVisitOption.FOLLOW_LINKS)) {
      List<Path> all = walk.filter(p -> !p.equals(folder)).limit(MAX_FILES + 1L).collect(Collectors.toList());
      if (all.size() > MAX_FILES) {
        return "the classpath folder " + folder + " holds more than " + MAX_FILES + " files";
      }
      for (Path p : all) {
        String name = relative(folder, p).toUpperCase(Locale.ROOT);
        if (name.equals("META-INF/MANIFEST.MF") || name.equals("META-INF/INDEX.LIST")
            || (name.startsWith("META-INF/") && name.indexOf('/', 9) < 0
                && (name.endsWith(".SF") || name.endsWith(".RSA") || name.endsWith(".DSA") || name.endsWith(".EC")))) {
          return "the classpath folder " + folder + " holds " + relative(folder, p)
              + ", which a jar would act on";
        }
        if (Files.isRegularFile(p)) {
          bytes += Files.size(p);
        }
      }
      if (bytes > MAX_BYTES) {
        return "the classpath folder " + folder + " holds more than " + (MAX_BYTES >> 20) + " MiB";
      }
      all.sort(Comparator.comparing(p -> relative(folder, p)));
      into.addAll(all);
    } catch (java.io.UncheckedIOException e) {
      if (e.getCause() instanceof FileSystemLoopException) {
        return "the classpath folder " + folder + " holds a loop of links";
      }
      throw e.getCause();
    }
    return null;
  }

  private static String relative(Path folder, Path p) {
    return folder.relativize(p).toString().replace(File.separatorChar, '/');
  }

  /** The jar's name: the folder's last names and a hash of each file's path, size and time. */
  static String jarName(Path folder, List<Path> files) throws IOException {
    StringBuilder k = new StringBuilder(files.size() * 64).append(folder).append('\n');
    for (Path p : files) {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      k.append(relative(folder, p)).append(a.isDirectory() ? "/" : "").append(' ').append(a.size()).append(' ')
          .append(a.lastModifiedTime().toMillis()).append('\n');
    }
    Path parent = folder.getParent();
    String base = (parent != null && parent.getFileName() != null ? parent.getFileName() + "-" : "")
        + folder.getFileName();
    return base.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + ArchiveKey.hash128(k) + ".jar";
  }

  /** Writes the jar to a temporary file, then renames it into place. */
  private static void write(Path folder, List<Path> files, Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    Path temp = jar.resolveSibling(jar.getFileName() + "." + ProcessHandle.current().pid() + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
    try {
      try (OutputStream file = Files.newOutputStream(temp);
           ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(file, 1 << 16))) {
        zip.setMethod(ZipOutputStream.STORED); // read faster than deflated, and these jars stay local
        CRC32 crc = new CRC32();
        for (Path p : files) {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          boolean directory = a.isDirectory();
          byte[] bytes = directory ? new byte[0] : Files.readAllBytes(p);
          ZipEntry e = new ZipEntry(relative(folder, p) + (directory ? "/" : ""));
          e.setLastModifiedTime(a.lastModifiedTime());
          e.setSize(bytes.length);
          e.setCompressedSize(bytes.length);
          crc.reset();
          crc.update(bytes);
          e.setCrc(crc.getValue());
          zip.putNextEntry(e);
          zip.write(bytes);
          zip.closeEntry();
        }
      }
      try {
        // link(2) never replaces: a jar another JVM put in place first (the same bytes) keeps its
        // time, which its archive was keyed on.
        Files.createLink(jar, temp);
      } catch (FileAlreadyExistsException e) {
        // written by another pool or JVM meanwhile
      } catch (IOException | UnsupportedOperationException e) {
        Files.move(temp, jar, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Deletes stale temporary files, and the oldest jars beyond {@link #KEPT_JARS} once they are an
   * hour old. A jar's time is never touched after it is written: the archives key on it, and the
   * JVM rejects an archive whose jar's time changed.
   */
  private static void evict(Path jars) {
    List<Path> kept = new ArrayList<>();
    Instant staleBefore = Instant.now().minus(ClassDataArchive.STALE_TEMP);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(jars)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.endsWith(TEMP_SUFFIX)) {
          if (Files.getLastModifiedTime(file).toInstant().isBefore(staleBefore)) {
            Files.deleteIfExists(file);
          }
        } else if (name.endsWith(".jar")) {
          kept.add(file);
        }
      }
      if (kept.size() > KEPT_JARS) {
        kept.sort(Comparator.comparing(FolderJars::modified).reversed());
        for (Path old : kept.subList(KEPT_JARS, kept.size())) {
          if (modified(old).toInstant().isBefore(staleBefore)) {
            Files.deleteIfExists(old);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // clean-up only
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
