package dev.nproc.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nproc.core.JvmOptions;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.xml.sax.InputSource;

/**
 * The README's snippets that are not Java (those are in {@link ReadmeExamplesTest}): the files,
 * classes and flags they name exist and match this build, the XML is well-formed, and the Quick
 * start is the two commands CI runs.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private static String readme() throws IOException {
    return Files.readString(ROOT.resolve("README.md"));
  }

  private static List<String> blocks(String text, String language) {
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("(?ms)^```" + language + "\\n(.*?)^```$").matcher(text);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  private static String section(String text, String heading) {
    int start = text.indexOf("\n" + heading + "\n");
    assertThat(start).as("README section %s", heading).isNotNegative();
    int end = text.indexOf("\n## ", start + heading.length() + 2);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  @Test
  void quickStart_isOneShellBlockOfTwoCommands_theSecondRunsTheTests() throws IOException {
    String quickStart = section(readme(), "## Quick start");
    List<String> sh = blocks(quickStart, "sh");
    assertThat(sh).hasSize(1);
    assertThat(sh.get(0).lines().toList()).hasSize(2).last().isEqualTo("mvn -B -ntp verify");
    assertThat(quickStart.indexOf("JDK 17")).as("prerequisites come first").isLessThan(quickStart.indexOf("```sh"));
  }

  @Test
  void argfilePaths_namedInReadme_existAndAreTheOneSurefireUses() throws IOException {
    String text = readme();
    Matcher m = Pattern.compile("[\\w/.-]*core/src/main/resources/dev/nproc/core/nproc\\.args").matcher(text);
    int found = 0;
    while (m.find()) {
      String path = m.group().replaceFirst("^/", "");
      assertThat(ROOT.resolve(path)).as("README names %s", m.group()).isRegularFile();
      found++;
    }
    assertThat(found).isPositive();
    String argLine = "@${maven.multiModuleProjectDirectory}/core/src/main/resources/dev/nproc/core/nproc.args";
    assertThat(text).contains("<argLine>" + argLine + "</argLine>");
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    assertThat(pom).contains("<nproc.argfile>" + argLine.substring(1) + "</nproc.argfile>")
        .contains("<argLine>@${nproc.argfile} ${nproc.extraJvmFlags}</argLine>");
    assertThat(Files.readAllLines(ROOT.resolve(argLine.substring(argLine.indexOf("core/")))))
        .isEqualTo(JvmOptions.forJdk(17));
  }

  @Test
  void flagsCommand_namedInReadme_isThePublicClassWithAMain() throws Exception {
    String text = readme();
    assertThat(text).contains("java -cp nproc-core.jar " + JvmOptions.class.getName() + " > nproc.args")
        .doesNotContain("internal.JvmFlags");
    assertThat(JvmOptions.class.getMethod("main", String[].class)).isNotNull();
  }

  @Test
  void manifestEntries_inReadme_areTheArgfilesOpensAndExports() throws IOException {
    List<String> opens = new ArrayList<>();
    List<String> exports = new ArrayList<>();
    for (String flag : JvmOptions.forJdk(17)) {
      if (flag.equals("--enable-native-access=ALL-UNNAMED")) {
        continue; // optional; its attribute is checked below
      }
      Matcher m = Pattern.compile("--add-(opens|exports)=([\\w.]+/[\\w.]+)=ALL-UNNAMED").matcher(flag);
      assertThat(m.matches()).as(flag).isTrue();
      (m.group(1).equals("opens") ? opens : exports).add(m.group(2));
    }
    String text = readme();
    assertThat(text).contains("<Add-Opens>" + String.join(" ", opens) + "</Add-Opens>")
        .contains("<Add-Exports>" + String.join(" ", exports) + "</Add-Exports>")
        .contains("`Add-Opens: " + String.join(" ", opens) + "`")
        .contains("`Add-Exports: " + String.join(" ", exports) + "`")
        .contains("<Enable-Native-Access>ALL-UNNAMED</Enable-Native-Access>")
        .contains("`Enable-Native-Access: ALL-UNNAMED`");
  }

  @Test
  void xmlBlocks_inReadme_areWellFormed() throws Exception {
    List<String> xml = blocks(readme(), "xml");
    assertThat(xml).hasSizeGreaterThanOrEqualTo(2);
    for (String block : xml) {
      DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(block)));
    }
  }

  @Test
  void moduleNames_inReadme_areTheOnesTheJarsDeclare() throws IOException {
    String text = readme();
    for (String module : List.of("core", "pool", "stream")) {
      String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
      assertThat(pom).contains("<nproc.moduleName>dev.nproc." + module + "</nproc.moduleName>");
      assertThat(text).contains("`dev.nproc." + module + "`");
    }
    assertThat(ROOT.resolve("LICENSE")).content().contains("Apache License").contains("Version 2.0, January 2004");
  }
}
