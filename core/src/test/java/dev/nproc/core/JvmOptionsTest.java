package dev.nproc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JvmOptionsTest {
  private static final String UNSAFE = "--sun-misc-unsafe-memory-access=allow";

  private static List<String> argfile() throws IOException {
    try (InputStream in = JvmOptions.class.getResourceAsStream(JvmOptions.ARGFILE_RESOURCE)) {
      assertThat(in).as(JvmOptions.ARGFILE_RESOURCE).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
  }

  @Test
  void forJdk_17to22_isTheArgfile() throws IOException {
    assertThat(JvmOptions.forJdk(17)).isEqualTo(argfile()).doesNotContain(UNSAFE)
        .contains("--add-opens=java.base/java.lang=ALL-UNNAMED");
    assertThat(JvmOptions.forJdk(22)).isEqualTo(argfile());
  }

  @Test
  void forJdk_23AndLater_addsTheUnsafeOption() throws IOException {
    List<String> expected = new ArrayList<>(argfile());
    expected.add(UNSAFE);
    assertThat(JvmOptions.forJdk(23)).isEqualTo(expected);
    assertThat(JvmOptions.forJdk(25)).isEqualTo(expected);
  }

  @Test
  void forJdk_below17_isRejectedNamingTheVersion() {
    assertThatThrownBy(() -> JvmOptions.forJdk(11)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("11").hasMessageContaining("17");
  }

  @Test
  void forRunningJdk_underThisBuildsArgLine_nothingIsMissing() {
    assertThat(JvmOptions.forRunningJdk()).isEqualTo(JvmOptions.forJdk(Runtime.version().feature()));
    assertThat(JvmOptions.missingInRunningJvm()).isEmpty();
  }

  @Test
  void main_printsTheArgfileOfTheRunningJdk_asTheReadmeSays() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), JvmOptions.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out.lines().toList()).isEqualTo(JvmOptions.forRunningJdk());
  }

  @Test
  void main_givenAFeatureRelease_printsThatJdksOptions() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), JvmOptions.class.getName(), "25")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(out.lines().toList()).isEqualTo(JvmOptions.forJdk(25)).contains(UNSAFE);
  }
}
