package dev.nproc.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The probe that tells whether a JVM refuses {@code sun.misc.Unsafe} memory access, tried on real JVMs. */
class JvmFlagsTest {
  private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

  /** Prints the probe's answer: run by {@link #probe}. */
  public static final class ProbeMain {
    /**
     * Prints {@code REFUSED=true} or {@code REFUSED=false}.
     *
     * @param args none
     */
    public static void main(String[] args) {
      System.out.println("REFUSED=" + JvmFlags.unsafeAccessRefused());
    }
  }

  @Test
  void unsafeAccessRefused_thisJvm_allowedAsItsFlagsSay() {
    // the test JVM is started with the flags nproc needs, so the codec works here
    assertThat(JvmFlags.unsafeAccessRefused()).isFalse();
  }

  @Test
  void unsafeAccessRefused_jdk25StartedWithDeny_refused() throws Exception {
    if (!Files.isExecutable(JDK25.resolve("bin/java"))) {
      assertThat(JvmFlags.unsafeAccessRefused()).isFalse(); // no JDK 25 here: only the running JVM can be tried
      return;
    }
    assertThat(probe("--sun-misc-unsafe-memory-access=deny")).contains("REFUSED=true");
    assertThat(probe("--sun-misc-unsafe-memory-access=allow")).contains("REFUSED=false");
  }

  private static String probe(String flag) throws Exception {
    List<String> command = new ArrayList<>(List.of(JDK25.resolve("bin/java").toString(), flag, "-cp",
        System.getProperty("java.class.path"), ProbeMain.class.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
    }
  }
}
