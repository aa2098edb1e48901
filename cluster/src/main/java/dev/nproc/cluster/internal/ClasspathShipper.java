package dev.nproc.cluster.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The master's classpath as it is shipped to nodes: each entry of {@code java.class.path} named
 * by the SHA-256 of its bytes; a folder is first zipped into a jar reproducibly (entries sorted,
 * one fixed time stamp), so the same classes give the same hash and a node uploads it once.
 * Computed once per entry per JVM.
 *
 * <p>Thread-safe.
 */
final class ClasspathShipper {
  /** An entry: its hash, the file that holds its bytes, and where it came from. */
  record Entry(String hash, Path file, String origin) {}

  /** Upload chunks: well under Hazelcast's frame limits. */
  static final int CHUNK = 2 << 20;
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);
  private static final Map<String, Entry> DONE = new ConcurrentHashMap<>();

  private ClasspathShipper() {}

  /** This JVM's classpath entries, in order, each hashed (a folder zipped first). */
  static List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (String part : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (part.isEmpty()) {
        continue;
      }
      Path p = Path.of(part);
      if (Files.isRegularFile(p) || Files.isDirectory(p)) {
        out.add(DONE.computeIfAbsent(p.toAbsolutePath().toString(), k -> hash(p)));
      }
    }
    return out;
  }

  private static Entry hash(Path p) {
    try {
      Path file = Files.isDirectory(p) ? zip(p) : p;
      return new Entry(Hashing.sha256(file), file, p.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read classpath entry " + p + " to ship it: " + e.getMessage(), e);
    }
  }

  /** Zips a folder into a temporary jar, reproducibly. */
  private static Path zip(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted((a, b) -> name(dir, a).compareTo(name(dir, b))).toList();
    }
    Path jar = Files.createTempFile("nproc-classpath-", ".jar");
    jar.toFile().deleteOnExit();
    try (OutputStream raw = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(raw)) {
      for (Path f : files) {
        ZipEntry entry = new ZipEntry(name(dir, f));
        entry.setTimeLocal(FIXED_TIME);
        zip.putNextEntry(entry);
        try (InputStream in = Files.newInputStream(f)) {
          in.transferTo(zip);
        }
        zip.closeEntry();
      }
    }
    return jar;
  }

  private static String name(Path dir, Path file) {
    return dir.relativize(file).toString().replace(File.separatorChar, '/');
  }
}
