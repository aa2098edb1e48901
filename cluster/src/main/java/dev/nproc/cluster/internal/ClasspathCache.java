package dev.nproc.cluster.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A node's store of classpath entries shipped by masters, content-addressed: each is a jar named
 * by the SHA-256 of its bytes, in the cache directory, and survives the node's restarts. The jars
 * on the node's own classpath count as present too (a master that runs the same nproc and
 * Hazelcast jars uploads none of them). An upload arrives in chunks, in order, into a
 * {@code .part} file, and becomes a jar only once its hash is checked.
 *
 * <p>Thread-safe: uploads are serialized by the object's monitor; lookups read a concurrent map.
 */
final class ClasspathCache {
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern UPLOAD_ID = Pattern.compile("[0-9a-zA-Z-]{1,64}");

  private final Path directory;
  private final Map<String, Path> known = new ConcurrentHashMap<>();

  ClasspathCache(Path directory) {
    this.directory = directory;
    try {
      Files.createDirectories(directory);
      try (Stream<Path> files = Files.list(directory)) {
        files.forEach(f -> {
          String name = f.getFileName().toString();
          if (name.endsWith(".jar") && HASH.matcher(name.substring(0, name.length() - 4)).matches()) {
            known.put(name.substring(0, name.length() - 4), f);
          }
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the cache directory " + directory + ": " + e.getMessage(), e);
    }
    for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
        try {
          known.putIfAbsent(Hashing.sha256(p), p);
        } catch (IOException e) {
          // not readable: not offered
        }
      }
    }
  }

  /** The hashes of {@code hashes} this node does not have. */
  String[] missing(String[] hashes) {
    List<String> out = new ArrayList<>();
    for (String h : hashes) {
      if (!known.containsKey(h)) {
        out.add(h);
      }
    }
    return out.toArray(new String[0]);
  }

  /** Appends a chunk; the last one checks the whole file's hash. Returns an error text or {@code null}. */
  synchronized String upload(String hash, String uploadId, long offset, byte[] bytes, boolean last)
      throws IOException {
    if (hash == null || !HASH.matcher(hash).matches()) {
      return "not a SHA-256 hash: " + hash;
    }
    if (uploadId == null || !UPLOAD_ID.matcher(uploadId).matches()) {
      return "not an upload id: " + uploadId;
    }
    if (known.containsKey(hash)) {
      return null; // another master sent it meanwhile
    }
    // Several nodes may share the directory, and several masters upload at once: a part each.
    Path part = directory.resolve(hash + "." + uploadId + ".part");
    long size = Files.exists(part) ? Files.size(part) : 0;
    if (offset == 0) {
      Files.deleteIfExists(part);
      size = 0;
    }
    if (offset != size) {
      return "chunk of " + hash + " at " + offset + " but " + size + " bytes received so far";
    }
    Files.write(part, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (last) {
      String actual = Hashing.sha256(part);
      if (!actual.equals(hash)) {
        Files.deleteIfExists(part);
        return "upload of " + hash + " arrived with hash " + actual;
      }
      Path jar = directory.resolve(hash + ".jar");
      Files.move(part, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      known.put(hash, jar);
    }
    return null;
  }

  /** The classpath of these entries, in order; throws naming one that is missing. */
  String classpath(String[] hashes) {
    List<String> paths = new ArrayList<>();
    for (String h : hashes) {
      Path p = known.get(h);
      if (p == null) {
        throw new IllegalStateException("classpath entry " + h + " was never uploaded to this node");
      }
      paths.add(p.toString());
    }
    return String.join(java.io.File.pathSeparator, paths);
  }
}
