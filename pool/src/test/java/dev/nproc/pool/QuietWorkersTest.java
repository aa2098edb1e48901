package dev.nproc.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What workers print on their own, before any task: nothing from Chronicle or SLF4J. */
class QuietWorkersTest {
  /**
   * The workers get the test classpath without this module's test classes, so without the
   * simplelogger.properties that quiets Chronicle in the tests: slf4j-simple at its default level,
   * INFO, as in a user's program.
   */
  @Test
  void create_workersWithSlf4jSimpleAtInfo_printNoChronicleBanner(@TempDir Path dir) throws Exception {
    String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.endsWith("test-classes"))
        .collect(Collectors.joining(File.pathSeparator));
    assertThat(classpath).contains("slf4j-simple");
    try (Pool pool = Pool.create(1, PoolOptions.builder().name("quiet").classpath(classpath)
        .workerOutput(WorkerOutput.toFiles(dir)).build())) {
      assertThat(pool.size()).isEqualTo(1);
    }
    Path log = dir.resolve("quiet-worker-0.log");
    String text = Files.exists(log) ? Files.readString(log) : "";
    assertThat(text).doesNotContain("Chronicle core loaded").doesNotContain("SLF4J");
  }
}
