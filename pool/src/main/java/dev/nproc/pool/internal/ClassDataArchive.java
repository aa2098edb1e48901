package dev.nproc.pool.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache of dynamic class-data-sharing archives (AppCDS) for worker JVMs, so that a worker
 * maps the classes it needs at start-up (Chronicle, FST, nproc's own, the task path) from a file
 * instead of loading, parsing and verifying them from jars.
 *
 * <p>One archive stands for one kind of worker: its JDK (home folder, {@code release} file, size
 * and time of {@code lib/modules}, of the JVM library and of the JDK's base archive), its JVM
 * options, the {@code JAVA_TOOL_OPTIONS}-like variables of its environment, and each classpath
 * entry's path, size and modification time: its {@link ArchiveKey}. The file is named after a
 * 128-bit hash of all that, in the folder given by the system property {@value #DIR_PROPERTY}, by
 * default {@code $XDG_CACHE_HOME/nproc/cds} or {@code ~/.cache/nproc/cds} (a folder of the user's
 * own, not a shared temporary folder where another user could plant an archive). When the archive
 * exists, every worker starts with {@code -XX:SharedArchiveFile}; when it does not, the first
 * worker of the pool starts with {@code -XX:ArchiveClassesAtExit}, the JVM writes its loaded
 * classes at exit, and the master renames the file into place once that worker has run at least
 * one task and exited normally (a pool's {@code close}; {@code terminate} leaves no archive).
 *
 * <p>Nothing here may fail a pool. Class-data sharing runs with {@code -Xshare:auto}: an archive
 * the JVM rejects (a changed jar it does not key on, a damaged file) is skipped and the worker
 * loads its classes as usual; the JVM's CDS messages are turned off, and go to stderr anyway,
 * never to the frame stream. A folder that cannot be written, or a worker that dies, only means
 * no archive; the reason is logged at DEBUG on the logger {@code dev.nproc.pool.cds}.
 * The JVM archives classes from jar files only: the classpath's folders are packed into jars named
 * after their content ({@link FolderJars}), and the workers of a pool that gets an archive start
 * from those jars. No archive is made when a folder cannot be packed, when the JDK has no base
 * archive, when {@value #ENABLED_PROPERTY} is {@code false}, or when the workers' own JVM options
 * already choose a class-data or AOT cache setting.
 *
 * <h2>Concurrency</h2>
 * Several pools of one JVM, and several JVMs, may use the same folder at once.
 * <ul>
 *   <li>An archive is never seen half-written: the dumping JVM writes a temporary file of a
 *       unique name in the same folder, and the master renames it to the archive's name with
 *       {@code ATOMIC_MOVE}, a {@code rename(2)}. Another JVM opens either no file, the old one,
 *       or the whole new one; a JVM that mapped a file keeps it even if it is replaced or
 *       deleted under it.</li>
 *   <li>Within a JVM, at most one worker at a time writes the archive for a key (the set
 *       {@link #DUMPING}), and each pool tries at most once ({@code dumpTried}). Across JVMs,
 *       two may write the same key at the same time: both files are valid, the last rename wins,
 *       and the other's work is wasted. There are no lock files, so a crash never leaves a lock
 *       behind.</li>
 *   <li>A temporary file left by a dumping worker that was killed, or whose master died, is
 *       deleted by the next writer once it is an hour old. Archives not used for a while are
 *       evicted, keeping the {@link #KEPT_ARCHIVES} most recently used (each use touches its
 *       file's time); deleting a file another JVM is about to open only costs that worker the
 *       archive.</li>
 *   <li>The per-pool state is the {@code dumpTried} flag, and the archive's file name, fixed at
 *       creation; the JVM-wide state is the concurrent set {@link #DUMPING}. No lock is held
 *       while touching the file system.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class ClassDataArchive {
  /** The system property that turns archives off: {@code -Dnproc.cds=false}. */
  static final String ENABLED_PROPERTY = "nproc.cds";
  /** The system property that names the archive folder. */
  static final String DIR_PROPERTY = "nproc.cds.dir";
  /** How many archives the folder keeps; the least recently used go first. */
  static final int KEPT_ARCHIVES = 8;
  /** How old a dumping worker's temporary file must be before another writer deletes it. */
  static final Duration STALE_TEMP = Duration.ofHours(1);
  /** The first 4 bytes of a dynamic archive, little-endian, on JDK 17 to 25. */
  static final int DYNAMIC_ARCHIVE_MAGIC = 0xf00baba8;
  static final String SUFFIX = ".jsa";
  private static final String TEMP_SUFFIX = ".tmp";

  private static final Logger LOG = LoggerFactory.getLogger("dev.nproc.pool.cds");
  /** Keys whose archive a worker of this JVM is writing now. */
  private static final Set<String> DUMPING = ConcurrentHashMap.newKeySet();

  private final String poolName;
  private final String disabled;
  private final Path folder;
  private final String key;
  private final Path archive;
  private final List<String> logFlags;
  private final Consumer<String> infoLog;
  private final WorkerCommand command;
  private final AtomicBoolean dumpTried = new AtomicBoolean();
  private final AtomicBoolean touched = new AtomicBoolean();

  /** What one worker launch does about class-data sharing. Immutable. */
  static final class Launch {
    static final Launch NONE = new Launch(List.of(), null, null);

    private final List<String> flags;
    private final Path dumpTo;
    private final long startNanos;
    private final String key;

    private Launch(List<String> flags, Path dumpTo, String key) {
      this.flags = flags;
      this.dumpTo = dumpTo;
      this.key = key;
      this.startNanos = System.nanoTime();
    }

    /** @return the JVM flags to add to the worker's command, empty for none */
    List<String> flags() {
      return flags;
    }

    /** @return whether this worker writes the archive at exit */
    boolean dumps() {
      return dumpTo != null;
    }
  }

  private ClassDataArchive(String poolName, String disabled, Path folder, String key, int feature,
                           Consumer<String> infoLog, WorkerCommand command) {
    this.poolName = poolName;
    this.command = command;
    this.disabled = disabled;
    this.folder = folder;
    this.key = key;
    this.archive = folder == null ? null : folder.resolve(key + SUFFIX);
    List<String> log = new ArrayList<>();
    log.add("-Xlog:cds*=off:stderr");
    if (feature >= 25) {
      log.add("-Xlog:aot*=off:stderr");
    }
    this.logFlags = List.copyOf(log);
    this.infoLog = infoLog;
    if (disabled != null) {
      LOG.debug("pool {}: workers start without a class-data archive: {}", poolName, disabled);
    }
  }

  /**
   * Works out the archive for a pool's workers.
   *
   * @param poolName the pool's name, for messages
   * @param command the workers' command
   * @param environment the workers' environment
   * @param workingDirectory the workers' folder, {@code null} for the master's
   * @param infoLog where to tell that an archive was written
   * @return the archive; when archives cannot be used, one that adds nothing to the workers
   */
  static ClassDataArchive forWorkers(String poolName, WorkerCommand command, Map<String, String> environment,
                                     Path workingDirectory, Consumer<String> infoLog) {
    String disabled;
    Path folder = null;
    String key = null;
    WorkerCommand used = command;
    try {
      if (System.getProperty(ENABLED_PROPERTY, "true").equalsIgnoreCase("false")) {
        disabled = "turned off by -D" + ENABLED_PROPERTY + "=false";
      } else {
        disabled = ArchiveKey.describe(command, environment, workingDirectory, new StringBuilder(4096), true);
      }
      if (disabled == null) {
        folder = folder();
        if (folder == null) {
          disabled = "no folder for archives: set -D" + DIR_PROPERTY + "=<folder>";
        } else if (folder.toString().contains(File.pathSeparator)) {
          // -XX:SharedArchiveFile takes a list of files, split at the path separator.
          disabled = "the archive folder's path holds '" + File.pathSeparator + "' (" + folder + ")";
        } else {
          disabled = unsafeFolder(folder);
        }
      }
      if (disabled == null) {
        ensureFolder(folder);
        FolderJars.Packed packed = FolderJars.pack(command.classpath(), workingDirectory, folder);
        if (packed.refused() != null) {
          disabled = packed.refused();
        } else {
          used = command.withClasspath(packed.classpath());
          for (Path jar : packed.written()) {
            LOG.debug("pool {}: packed a folder of the workers' classpath into {}", poolName, jar);
          }
          StringBuilder k = new StringBuilder(4096);
          disabled = ArchiveKey.describe(used, environment, workingDirectory, k);
          key = ArchiveKey.name(command.feature(), k);
        }
      }
    } catch (IOException | RuntimeException e) {
      disabled = "cannot describe the workers' JVM or prepare its archive: " + e;
    }
    if (disabled != null) {
      used = command; // the classpath changes only for workers that get an archive
    }
    return new ClassDataArchive(poolName, disabled, disabled == null ? folder : null, key, command.feature(),
        infoLog, used);
  }

  /** Creates the archive folder, readable by its owner only, if it is missing. */
  private static void ensureFolder(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      Files.createDirectories(folder);
      try {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException e) {
        // not POSIX
      }
    }
  }

  /**
   * Returns the workers' command to launch: with the classpath's folders packed into jars when
   * the workers get an archive ({@link FolderJars}), else the command given.
   *
   * @return the command
   */
  WorkerCommand command() {
    return command;
  }

  /** The archive folder: the system property, else the user's cache folder; {@code null} if there is none. */
  static Path folder() {
    try {
      String dir = System.getProperty(DIR_PROPERTY);
      if (dir != null && !dir.isBlank()) {
        return Path.of(dir).toAbsolutePath();
      }
      String xdg = System.getenv("XDG_CACHE_HOME");
      if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
        return Path.of(xdg, "nproc", "cds");
      }
      String home = System.getProperty("user.home");
      if (home != null && !home.isBlank() && Path.of(home).isAbsolute()) {
        return Path.of(home, ".cache", "nproc", "cds");
      }
    } catch (InvalidPathException e) {
      // no folder
    }
    return null;
  }

  /** Why the folder must not be used, or {@code null}: a folder others may write to could hold a planted archive. */
  private static String unsafeFolder(Path folder) {
    if (!Files.exists(folder)) {
      return null;
    }
    if (!Files.isDirectory(folder)) {
      return folder + " is not a folder";
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(folder);
      if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
        return folder + " may be written by other users (" + PosixFilePermissions.toString(perms) + ")";
      }
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: rely on the user's own folder
    }
    return null;
  }

  /** @return why this pool's workers get no archive, or {@code null} if they may */
  String disabledReason() {
    return disabled;
  }

  /** @return the archive's path, or {@code null} when archives are off for this pool */
  Path archive() {
    return archive;
  }

  /**
   * Decides what the next worker to launch does: use the archive, write it, or neither.
   *
   * @return the launch's class-data settings
   */
  Launch nextLaunch() {
    if (disabled != null) {
      return Launch.NONE;
    }
    if (isArchive(archive)) {
      if (!touched.getAndSet(true)) {
        touch(archive);
      }
      List<String> flags = new ArrayList<>(logFlags);
      flags.add("-XX:SharedArchiveFile=" + archive);
      flags.add("-Xshare:auto");
      return new Launch(List.copyOf(flags), null, key);
    }
    if (dumpTried.getAndSet(true) || !DUMPING.add(key)) {
      return Launch.NONE;
    }
    Path temp = null;
    try {
      ensureFolder(folder);
      temp = folder.resolve(key + SUFFIX + "." + ProcessHandle.current().pid() + "-"
          + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
      if (!Files.isWritable(folder)) {
        throw new IOException(folder + " is not writable");
      }
    } catch (IOException | RuntimeException e) {
      DUMPING.remove(key);
      LOG.debug("pool {}: cannot write a class-data archive for workers in {}: {}", poolName, folder, e.toString());
      return Launch.NONE;
    }
    List<String> flags = new ArrayList<>(logFlags);
    flags.add("-XX:ArchiveClassesAtExit=" + temp);
    flags.add("-Xshare:auto");
    LOG.debug("pool {}: no class-data archive {} yet; the first worker writes it at exit", poolName, archive);
    return new Launch(List.copyOf(flags), temp, key);
  }

  /**
   * Tells that a worker launched with {@code launch} is gone (or never started). If it was
   * writing the archive, the archive is renamed into place when {@code complete}, else deleted.
   * Runs on the thread that saw the worker exit; does file-system work, so never under a lock.
   *
   * @param launch what the worker was launched with
   * @param complete whether the worker ran at least one task and exited normally, so that its
   *     JVM wrote a whole archive of the task path
   */
  void workerGone(Launch launch, boolean complete) {
    if (launch.dumpTo == null) {
      return;
    }
    Path temp = launch.dumpTo;
    try {
      if (complete && isArchive(temp)) {
        long size = Files.size(temp);
        Files.move(temp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        long ms = (System.nanoTime() - launch.startNanos) / 1_000_000;
        infoLog.accept("pool " + poolName + ": wrote a class-data archive for its workers' start-up, "
            + archive + " (" + (size >> 10) + " KiB, from a worker that lived " + ms + " ms)");
        evict();
      } else {
        LOG.debug("pool {}: the worker that was to write {} {}; no archive this time", poolName, archive,
            complete ? "left no valid file" : "did not run a task and exit normally");
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("pool {}: cannot put the class-data archive {} in place: {}", poolName, archive, e.toString());
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException | RuntimeException e) {
        LOG.debug("pool {}: cannot delete {}: {}", poolName, temp, e.toString());
      }
      DUMPING.remove(launch.key);
    }
  }

  /** Whether {@code file} is a regular file that starts like a dynamic archive. */
  static boolean isArchive(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return head.length == 4 && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt() == DYNAMIC_ARCHIVE_MAGIC;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    } catch (IOException | RuntimeException e) {
      // another user's file, or a read-only folder: eviction order only
    }
  }

  /** Deletes old temporary files, and the least recently used archives beyond {@link #KEPT_ARCHIVES}. */
  private void evict() {
    List<Path> archives = new ArrayList<>();
    Instant staleBefore = Instant.now().minus(STALE_TEMP);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.endsWith(TEMP_SUFFIX) && name.contains(SUFFIX + ".")) {
          if (Files.getLastModifiedTime(file).toInstant().isBefore(staleBefore)) {
            Files.deleteIfExists(file);
          }
        } else if (name.endsWith(SUFFIX)) {
          archives.add(file);
        }
      }
      if (archives.size() > KEPT_ARCHIVES) {
        archives.sort(Comparator.comparing(ClassDataArchive::modified).reversed());
        for (Path old : archives.subList(KEPT_ARCHIVES, archives.size())) {
          if (!old.equals(archive)) {
            Files.deleteIfExists(old);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("pool {}: cannot clean up {}: {}", poolName, folder, e.toString());
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
