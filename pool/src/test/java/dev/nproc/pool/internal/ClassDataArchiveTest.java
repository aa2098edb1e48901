package dev.nproc.pool.internal;

import static dev.nproc.pool.testing.Workers.workerPids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nproc.pool.Pool;
import dev.nproc.pool.PoolOptions;
import dev.nproc.pool.testing.EngineConfigs;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers' class-data archive, with real worker JVMs. Surefire's classpath holds folders
 * ({@code target/classes}), which the pool packs into jars of its own (tested here too); most
 * tests give the workers a classpath of jars: the folders of this JVM's classpath, jarred into a
 * temporary folder.
 */
class ClassDataArchiveTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  static Path jars;
  private static String jarClasspath;

  @TempDir
  Path cache;
  private Set<Long> before;
  private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void jarTheClasspath() throws IOException {
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        Path jar = jars.resolve("folder" + n++ + ".jar");
        jar(path, jar);
        entries.add(jar.toString());
      } else if (Files.isRegularFile(path)) {
        entries.add(entry);
      }
    }
    jarClasspath = String.join(File.pathSeparator, entries);
  }

  private static void jar(Path folder, Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
         Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
        out.putNextEntry(new JarEntry(folder.relativize(file).toString().replace(File.separatorChar, '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  @BeforeEach
  void pointTheCacheHere() {
    System.setProperty(ClassDataArchive.DIR_PROPERTY, cache.toString());
    before = workerPids();
  }

  @AfterEach
  void restore() {
    System.clearProperty(ClassDataArchive.DIR_PROPERTY);
    System.clearProperty(ClassDataArchive.ENABLED_PROPERTY);
    System.clearProperty(FolderJars.ENABLED_PROPERTY);
    await().atMost(WAIT).until(() -> newWorkers().isEmpty());
    assertThat(errors).isEmpty();
  }

  private Set<Long> newWorkers() {
    Set<Long> now = new HashSet<>(workerPids());
    now.removeAll(before);
    return now;
  }

  private PoolOptions.Builder options(String name) {
    return PoolOptions.builder().name(name).errorLog(errors::add);
  }

  private PoolOptions jarOptions(String name) {
    return options(name).classpath(jarClasspath).build();
  }

  /** The command lines of this test's live workers. */
  private List<List<String>> workerCommands() {
    List<List<String>> commands = new ArrayList<>();
    for (long pid : newWorkers()) {
      ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).ifPresent(a -> commands.add(List.of(a)));
    }
    return commands;
  }

  private static boolean hasFlag(List<String> command, String prefix) {
    return command.stream().anyMatch(a -> a.startsWith(prefix));
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.sorted().collect(Collectors.toList());
    }
  }

  private static void runSomeTasks(Pool pool) {
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      results.add(pool.call(x -> x * x, i));
    }
    for (int i = 0; i < results.size(); i++) {
      assertThat(results.get(i)).succeedsWithin(WAIT).isEqualTo(i * i);
    }
  }

  private static Path expectedArchive(PoolOptions options) {
    ClassDataArchive archive = ClassDataArchive.forWorkers("test", new WorkerCommand(EngineConfigs.of(options)),
        new ProcessBuilder().environment(), null, s -> { });
    assertThat(archive.disabledReason()).isNull();
    return archive.archive();
  }

  @Test
  void close_jarClasspathAndNoArchive_firstWorkerWritesItAndTheNextPoolUsesIt() throws IOException {
    PoolOptions options = jarOptions("cds-first");
    Path archive = expectedArchive(options);
    ConcurrentLinkedQueue<String> info = new ConcurrentLinkedQueue<>();
    try (Pool pool = Pool.create(2, options.toBuilder().infoLog(info::add).build())) {
      List<List<String>> commands = workerCommands();
      assertThat(commands).hasSize(2);
      assertThat(commands).filteredOn(c -> hasFlag(c, "-XX:ArchiveClassesAtExit=" + archive)).hasSize(1);
      assertThat(commands).noneMatch(c -> hasFlag(c, "-XX:SharedArchiveFile"));
      runSomeTasks(pool);
    }
    assertThat(files()).containsExactly(archive);
    assertThat(ClassDataArchive.isArchive(archive)).isTrue();
    assertThat(info).anyMatch(m -> m.contains("wrote a class-data archive") && m.contains(archive.toString()));

    try (Pool pool = Pool.create(2, options)) {
      List<List<String>> commands = workerCommands();
      assertThat(commands).hasSize(2).allMatch(c -> hasFlag(c, "-XX:SharedArchiveFile=" + archive))
          .noneMatch(c -> hasFlag(c, "-XX:ArchiveClassesAtExit"));
      runSomeTasks(pool);
    }
    assertThat(files()).containsExactly(archive);
  }

  @Test
  void create_archiveFileIsGarbage_workersStartWithoutItAndItIsRewritten() throws IOException {
    PoolOptions options = jarOptions("cds-garbage");
    Path archive = expectedArchive(options);
    Files.createDirectories(archive.getParent());
    Files.write(archive, "not an archive at all".repeat(1000).getBytes());
    try (Pool pool = Pool.create(2, options)) {
      assertThat(workerCommands()).noneMatch(c -> hasFlag(c, "-XX:SharedArchiveFile"));
      runSomeTasks(pool);
    }
    assertThat(ClassDataArchive.isArchive(archive)).isTrue();
  }

  @Test
  void create_archiveDamagedBehindAValidMagicNumber_theJvmSkipsItAndTasksRun() throws IOException {
    PoolOptions options = jarOptions("cds-damaged");
    Path archive = expectedArchive(options);
    Files.createDirectories(archive.getParent());
    byte[] bytes = new byte[256 * 1024];
    new java.util.Random(42).nextBytes(bytes);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, ClassDataArchive.DYNAMIC_ARCHIVE_MAGIC);
    try (OutputStream out = Files.newOutputStream(archive)) {
      out.write(bytes);
    }
    try (Pool pool = Pool.create(2, options)) {
      assertThat(workerCommands()).hasSize(2).allMatch(c -> hasFlag(c, "-XX:SharedArchiveFile=" + archive));
      runSomeTasks(pool);
    }
    assertThat(files()).containsExactly(archive);
  }

  @Test
  void close_classpathWithAFolder_workersStartFromPackedJarsAndTheNextPoolUsesTheArchive() throws IOException {
    // Surefire's classpath (target/classes, target/test-classes, jars) without its trailing empty
    // entry, the current folder, which keeps the archive off.
    String folders = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.isEmpty()).collect(Collectors.joining(File.pathSeparator));
    assertThat(folders.split(File.pathSeparator)).anyMatch(e -> Files.isDirectory(Path.of(e)));
    PoolOptions options = options("cds-folder").classpath(folders).build();
    Path archive = expectedArchive(options);
    try (Pool pool = Pool.create(1, options)) {
      List<List<String>> commands = workerCommands();
      assertThat(commands).hasSize(1).allMatch(c -> hasFlag(c, "-XX:ArchiveClassesAtExit=" + archive));
      String classpath = commands.get(0).get(commands.get(0).indexOf("-cp") + 1);
      assertThat(classpath.split(File.pathSeparator)).noneMatch(e -> Files.isDirectory(Path.of(e)))
          .anyMatch(e -> e.startsWith(cache.resolve(FolderJars.SUBFOLDER).toString()));
      runSomeTasks(pool);
      // A class of the test folder loads in the worker, from the packed jar, with its resources.
      assertThat(pool.call(ClassDataArchiveTest::whereFrom, "dev/nproc/pool/internal/ClassDataArchiveTest.class"))
          .succeedsWithin(WAIT).satisfies(where -> assertThat(where).startsWith("jar:file:" + cache));
    }
    assertThat(ClassDataArchive.isArchive(archive)).isTrue();
    try (Pool pool = Pool.create(1, options)) {
      assertThat(workerCommands()).hasSize(1).allMatch(c -> hasFlag(c, "-XX:SharedArchiveFile=" + archive));
      runSomeTasks(pool);
    }
  }

  /** Runs in a worker: where this class's loader finds a resource. */
  private static String whereFrom(String resource) {
    return String.valueOf(ClassDataArchiveTest.class.getClassLoader().getResource(resource));
  }

  @Test
  void close_folderPackingTurnedOff_noArchive() throws IOException {
    System.setProperty(FolderJars.ENABLED_PROPERTY, "false");
    String folders = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.isEmpty()).collect(Collectors.joining(File.pathSeparator));
    try (Pool pool = Pool.create(1, options("cds-folder-off").classpath(folders).build())) {
      assertThat(workerCommands()).hasSize(1)
          .noneMatch(c -> hasFlag(c, "-XX:SharedArchiveFile") || hasFlag(c, "-XX:ArchiveClassesAtExit"));
      runSomeTasks(pool);
    }
    assertThat(files()).isEmpty();
  }

  @Test
  void pack_folderChangesOrHoldsAManifest_newJarOrRefused(@TempDir Path folder) throws IOException {
    Path classes = Files.createDirectories(folder.resolve("classes"));
    Files.createDirectories(classes.resolve("a/b"));
    Files.write(classes.resolve("a/b/C.class"), new byte[] {1, 2, 3});
    String classpath = jarClasspath + File.pathSeparator + classes;
    FolderJars.Packed first = FolderJars.pack(classpath, null, cache);
    assertThat(first.refused()).isNull();
    Path jar = first.written().get(0);
    assertThat(first.classpath()).isEqualTo(jarClasspath + File.pathSeparator + jar);
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      assertThat(zip.stream().map(java.util.zip.ZipEntry::getName)).containsExactly("a/", "a/b/", "a/b/C.class");
    }
    assertThat(FolderJars.pack(classpath, null, cache)).satisfies(again -> {
      assertThat(again.classpath()).isEqualTo(first.classpath());
      assertThat(again.written()).isEmpty();
    });
    Files.write(classes.resolve("a/b/C.class"), new byte[] {1, 2, 3, 4});
    assertThat(FolderJars.pack(classpath, null, cache).classpath()).isNotEqualTo(first.classpath());

    Files.createDirectories(classes.resolve("META-INF"));
    Files.writeString(classes.resolve("META-INF/MANIFEST.MF"), "Manifest-Version: 1.0\nClass-Path: other.jar\n");
    FolderJars.Packed refused = FolderJars.pack(classpath, null, cache);
    assertThat(refused.refused()).contains("META-INF/MANIFEST.MF");
    assertThat(refused.classpath()).isEqualTo(classpath);
  }

  @Test
  void pack_currentFolderOrEmptyFolder_refusedOrKeptAsItIs(@TempDir Path folder) throws IOException {
    String trailingEmpty = jarClasspath + File.pathSeparator; // Surefire's form: the current folder last
    assertThat(FolderJars.pack(trailingEmpty, null, cache).refused()).contains("current folder");
    assertThat(FolderJars.pack(jarClasspath + File.pathSeparator + ".", null, cache).refused())
        .contains("current folder");
    Path empty = Files.createDirectories(folder.resolve("empty"));
    FolderJars.Packed kept = FolderJars.pack(jarClasspath + File.pathSeparator + empty, null, cache);
    assertThat(kept.refused()).isNull();
    assertThat(kept.classpath()).isEqualTo(jarClasspath + File.pathSeparator + empty);
    assertThat(kept.written()).isEmpty();
  }

  @Test
  void close_turnedOffByProperty_noArchive() throws IOException {
    System.setProperty(ClassDataArchive.ENABLED_PROPERTY, "false");
    try (Pool pool = Pool.create(1, jarOptions("cds-off"))) {
      assertThat(workerCommands()).hasSize(1)
          .noneMatch(c -> hasFlag(c, "-XX:SharedArchiveFile") || hasFlag(c, "-XX:ArchiveClassesAtExit"));
      runSomeTasks(pool);
    }
    assertThat(files()).isEmpty();
  }

  @Test
  void terminate_whileTheArchiveIsPending_leavesNoFile() throws IOException {
    Pool pool = Pool.create(1, jarOptions("cds-terminate"));
    runSomeTasks(pool);
    pool.terminate();
    assertThat(pool.whenClosed()).succeedsWithin(WAIT);
    assertThat(files()).isEmpty();
  }

  @Test
  void close_folderCannotBeCreated_poolWorksWithoutArchive() throws IOException {
    Path notAFolder = Files.writeString(cache.resolve("file"), "x");
    System.setProperty(ClassDataArchive.DIR_PROPERTY, notAFolder.resolve("cds").toString());
    try (Pool pool = Pool.create(1, jarOptions("cds-unwritable"))) {
      runSomeTasks(pool);
    }
    assertThat(files()).containsExactly(notAFolder);
  }

  @Test
  void forWorkers_keyFollowsJarsAndJvmFlagsButNotSystemProperties() throws IOException {
    Path jar = Files.write(jars.resolve("key.jar"), new byte[] {1, 2, 3});
    Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000_000_000L));
    PoolOptions base = options("key").classpath(jarClasspath + File.pathSeparator + jar).build();
    Path first = expectedArchive(base);
    assertThat(first.getParent()).isEqualTo(cache);
    assertThat(first.getFileName().toString()).startsWith("jdk" + Runtime.version().feature() + "-").endsWith(".jsa");
    assertThat(expectedArchive(base)).isEqualTo(first);
    assertThat(expectedArchive(base.toBuilder().jvmArgs(List.of("-Dsome.property=1")).build())).isEqualTo(first);
    assertThat(expectedArchive(base.toBuilder().jvmArgs(List.of("-Xmx300m")).build())).isNotEqualTo(first);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000_001_000L));
    assertThat(expectedArchive(base)).isNotEqualTo(first);

    ClassDataArchive own = ClassDataArchive.forWorkers("test",
        new WorkerCommand(EngineConfigs.of(base.toBuilder().jvmArgs(List.of("-Xshare:off")).build())), Map.of(), null, s -> { });
    assertThat(own.disabledReason()).contains("-Xshare:off");
    assertThat(own.nextLaunch().flags()).isEmpty();
  }
}
