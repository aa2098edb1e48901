package dev.nproc.pool;

import static dev.nproc.pool.testing.Workers.alive;
import static dev.nproc.pool.testing.Workers.exited;
import static dev.nproc.pool.testing.Workers.javaCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.nproc.core.JvmOptions;
import dev.nproc.core.internal.JvmFlags;
import dev.nproc.pool.testing.MasterMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Masters in JVMs of their own, started from a plain {@code java -cp} command line. */
class MasterProcessTest {
  private static final List<String> FLAGS = JvmFlags.flagsFor(Runtime.version().feature());

  private static Process start(List<String> command) throws IOException {
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static String output(Process p) throws Exception {
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("master finished").isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void sigkill_master_itsWorkersExitWithinASecond() throws Exception {
    Process master = start(javaCommand(FLAGS, MasterMain.class, "hold"));
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).startsWith("WORKERS ");
      List<Long> workers = Arrays.stream(line.substring(8).trim().split(" ")).map(Long::parseLong).toList();
      assertThat(workers).hasSize(2).allMatch(pid -> alive(pid));
      master.destroyForcibly(); // SIGKILL: no shutdown hook runs in the master
      master.waitFor(10, TimeUnit.SECONDS);
      long killed = System.nanoTime();
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
          .until(() -> workers.stream().allMatch(pid -> exited(pid)));
      assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(1));
    } finally {
      master.destroyForcibly();
    }
  }

  @Test
  void create_masterWithoutFlags_failsListingExactlyTheMissingOnes() throws Exception {
    List<String> some = new ArrayList<>(FLAGS.subList(0, 3));
    String text = output(start(javaCommand(some, MasterMain.class, "create")));
    assertThat(text).contains("nproc needs JVM flags").contains("java @nproc.args").contains("argLine")
        .contains("java -cp nproc-core.jar " + JvmOptions.class.getName() + " > nproc.args");
    // JDK 23 allows sun.misc.Unsafe, 24 and 25 only warn: the flag for it is not required there
    List<String> required = new ArrayList<>(FLAGS);
    // The argfile's native-access flag only lets the master enlarge its workers' pipes quietly
    required.remove(JvmFlags.NATIVE_ACCESS_FLAG);
    assertThat(text).doesNotContain(JvmFlags.NATIVE_ACCESS_FLAG);
    if (Runtime.version().feature() <= 25) {
      required.remove(JvmFlags.UNSAFE_FLAG);
      assertThat(text).doesNotContain("  " + JvmFlags.UNSAFE_FLAG + "\n");
    }
    for (String flag : required) {
      if (some.contains(flag)) {
        assertThat(text).as("present flag %s", flag).doesNotContain(flag + "\n");
      } else {
        assertThat(text).as("missing flag %s", flag).contains("  " + flag + "\n");
      }
    }
  }

  @Test
  void run_plainJavaClasspathMaster_worksWithoutChronicleBanners() throws Exception {
    // stdout and stderr together: the master's and its worker's logs (slf4j-simple, at INFO) are there
    String text = output(new ProcessBuilder(javaCommand(FLAGS, MasterMain.class, "run")).redirectErrorStream(true).start());
    assertThat(text).contains("RESULT " + Runtime.version().feature() + " " + System.getProperty("java.version") + " 42")
        .contains("INFO dev.nproc.pool - pool run: 1 of 1 workers ready")
        .doesNotContain("Chronicle core loaded");
  }

  @Test
  void submit_masterWithoutSlf4jProvider_failedTaskReachesStandardErrorAndWorkersSayNothingOfSlf4j()
      throws Exception {
    List<String> command = javaCommand(FLAGS, MasterMain.class, "fail");
    int cp = command.indexOf("-cp") + 1;
    String classpath = Arrays.stream(command.get(cp).split(java.io.File.pathSeparator))
        .filter(entry -> !entry.contains("slf4j-simple")).collect(Collectors.joining(java.io.File.pathSeparator));
    assertThat(classpath).contains("slf4j-api").isNotEqualTo(command.get(cp));
    command.set(cp, classpath);
    Process master = new ProcessBuilder(command).start();
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(master.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String out = output(master);
    String err = stderr.get(30, TimeUnit.SECONDS);
    assertThat(out).contains("EMPTY true").contains("LOGGED true").contains("DIED ").contains("exit code 42");
    assertThat(err).contains("ERROR dev.nproc.pool - ").contains("IllegalStateException: task failed here, with 7");
    // the master's own SLF4J says once that it has no provider; no worker does, nor any death report
    assertThat(err).doesNotContain("worker 0] SLF4J");
    assertThat(out.lines().filter(l -> l.startsWith("DIED ")).findFirst().orElseThrow()).doesNotContain("SLF4J");
  }

  private static Path jdk25() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return null;
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")))
          .filter(h -> JvmFlags.featureOf(h).orElse(0) >= 25)
          .findFirst().orElse(null);
    }
  }

  @Test
  void javaHome_jdk25Workers_runTasks() throws Exception {
    Path jdk = jdk25();
    assumeThat(jdk).as("a JDK 25 under /usr/lib/jvm").isNotNull();
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("jdk25").javaHome(jdk).build())) {
      assertThat(pool.<Integer, String>call(x -> System.getProperty("java.version") + " " + (x + 1), 1).join())
          .startsWith("25").endsWith(" 2");
    }
  }

  @Test
  void run_jdk25Master_works() throws Exception {
    Path jdk = jdk25();
    assumeThat(jdk).as("a JDK 25 under /usr/lib/jvm").isNotNull();
    List<String> command = javaCommand(JvmFlags.flagsFor(25), MasterMain.class, "run");
    command.set(0, jdk.resolve("bin/java").toString());
    String text = output(start(command));
    assertThat(text).contains("RESULT 25 25").endsWith(" 42\n");
  }

  @Test
  void run_jdk25MasterWithOnlyTheArgfile_worksAndSaysHowToSilenceTheWarning() throws Exception {
    Path jdk = jdk25();
    assumeThat(jdk).as("a JDK 25 under /usr/lib/jvm").isNotNull();
    List<String> command = javaCommand(JvmFlags.argfileFlags(), MasterMain.class, "run");
    command.set(0, jdk.resolve("bin/java").toString());
    // its log (stderr) holds the hint
    String text = output(new ProcessBuilder(command).redirectErrorStream(true).start());
    assertThat(text).contains("RESULT 25 25").contains(JvmFlags.UNSAFE_FLAG + " to its command line to silence it");
  }

  @Test
  void create_jdk25MasterThatDeniesUnsafe_failsWithOneCompleteCommandLine() throws Exception {
    Path jdk = jdk25();
    assumeThat(jdk).as("a JDK 25 under /usr/lib/jvm").isNotNull();
    List<String> flags = new ArrayList<>(JvmFlags.argfileFlags());
    flags.add("--sun-misc-unsafe-memory-access=deny");
    List<String> command = javaCommand(flags, MasterMain.class, "create");
    command.set(0, jdk.resolve("bin/java").toString());
    String text = output(start(command));
    assertThat(text).contains("nproc needs JVM flags").contains("  " + JvmFlags.UNSAFE_FLAG + "\n")
        .contains("java @nproc.args " + JvmFlags.UNSAFE_FLAG + " -cp <your classpath> <your main class>");
  }
}
