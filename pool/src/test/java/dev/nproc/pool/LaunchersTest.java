package dev.nproc.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nproc.core.JvmOptions;
import dev.nproc.pool.testing.LoaderLauncher;
import dev.nproc.pool.testing.MasterMain;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Masters whose application is not on {@code java.class.path}: exec:java, application servers, IDE runners. */
class LaunchersTest {
  @Test
  void create_applicationInAUrlClassLoader_workersGetItsClasspathAndRunTasks(@TempDir Path launcherDir) throws Exception {
    // java.class.path holds the launcher alone: one class file in a folder of its own
    String launcherFile = LoaderLauncher.class.getName().replace('.', '/') + ".class";
    Path copy = launcherDir.resolve(launcherFile);
    Files.createDirectories(copy.getParent());
    try (var in = LoaderLauncher.class.getClassLoader().getResourceAsStream(launcherFile)) {
      Files.copy(in, copy);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JvmOptions.forRunningJdk());
    command.addAll(List.of("-cp", launcherDir.toString(), LoaderLauncher.class.getName(),
        System.getProperty("java.class.path"), MasterMain.class.getName(), "run"));
    Path log = launcherDir.resolve("master.log");
    Process master = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(master.waitFor(90, TimeUnit.SECONDS)).as("master finished").isTrue();
    } finally {
      master.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(out).contains("RESULT " + Runtime.version().feature() + " " + System.getProperty("java.version") + " 42")
        .doesNotContain("Could not find or load main class");
  }

  /**
   * A user program in a named module: nproc's jars (automatic modules dev.nproc.core and
   * dev.nproc.pool, as the build names them) and the user's module on the module path; FST,
   * Chronicle and SLF4J on the classpath, where the argfile's --add-opens (to ALL-UNNAMED) apply.
   */
  @Test
  void create_userProgramInANamedModule_runsTasks(@TempDir Path dir) throws Exception {
    List<String> classpath = new ArrayList<>();
    List<String> modulePath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      String file = p.getFileName().toString();
      if (file.matches("nproc-(core|pool)-.*\\.jar")) {
        // in a reactor build past package: the jar itself, with the module name the build gave it
        try (JarFile jar = new JarFile(p.toFile())) {
          assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
              .isEqualTo("dev.nproc." + file.substring(6, 10));
        }
        modulePath.add(entry);
      } else if (p.endsWith(Path.of("core", "target", "classes"))) {
        modulePath.add(automaticModule(p, dir.resolve("nproc-core.jar"), "dev.nproc.core").toString());
      } else if (p.endsWith(Path.of("pool", "target", "classes"))) {
        modulePath.add(automaticModule(p, dir.resolve("nproc-pool.jar"), "dev.nproc.pool").toString());
      } else if (!p.endsWith("test-classes") && !entry.contains("slf4j-simple")) {
        classpath.add(entry);
      }
    }
    assertThat(modulePath).hasSize(2);
    Path src = dir.resolve("src");
    Path pkg = Files.createDirectories(src.resolve("com/example/app"));
    Files.writeString(src.resolve("module-info.java"),
        "module com.example.app { requires dev.nproc.pool; requires dev.nproc.core; opens com.example.app; }\n");
    Files.writeString(pkg.resolve("Main.java"), String.join("\n",
        "package com.example.app;",
        "public class Main {",
        "  public static void main(String[] args) {",
        "    try (dev.nproc.pool.Pool pool = dev.nproc.pool.Pool.create(1)) {",
        "      System.out.println(\"RESULT \" + Main.class.getModule().getName() + \" \"",
        "          + pool.<Integer, Integer>call(x -> x * 2, 21).join());",
        "    }",
        "  }",
        "}", ""));
    Path classes = dir.resolve("app-classes");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int compiled = javac.run(null, null, null, "-d", classes.toString(),
        "--module-path", String.join(File.pathSeparator, modulePath),
        "-cp", String.join(File.pathSeparator, classpath),
        src.resolve("module-info.java").toString(), pkg.resolve("Main.java").toString());
    assertThat(compiled).isZero();
    modulePath.add(0, classes.toString());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JvmOptions.forRunningJdk());
    // FST and Chronicle need modules (java.sql, jdk.unsupported...) that a named main module does not
    // resolve by itself: ALL-DEFAULT resolves what a classpath application gets
    command.addAll(List.of("--add-modules=ALL-DEFAULT", "--module-path", String.join(File.pathSeparator, modulePath),
        "-cp", String.join(File.pathSeparator, classpath), "-m", "com.example.app/com.example.app.Main"));
    Path log = dir.resolve("master.log");
    Process master = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(master.waitFor(90, TimeUnit.SECONDS)).as("master finished").isTrue();
    } finally {
      master.destroyForcibly();
    }
    assertThat(Files.readString(log)).contains("RESULT com.example.app 42");
  }

  /** A jar of a classes folder whose manifest names its module, as nproc's build does. */
  private static Path automaticModule(Path classes, Path jar, String name) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Automatic-Module-Name", name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
         Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void create_classpathWithoutNproc_failsAtOnceNamingTheClasspathAndTheFix(@TempDir Path empty) {
    long start = System.nanoTime();
    assertThatThrownBy(() -> Pool.create(1, PoolOptions.builder().name("nocp").classpath(empty.toString()).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dev.nproc.pool.internal.worker.WorkerMain")
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("PoolOptions.builder().classpath(");
    // no worker was launched, so no start-up retries with backoff
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
