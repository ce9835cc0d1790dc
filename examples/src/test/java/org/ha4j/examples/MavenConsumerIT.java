package org.ha4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ha4j.examples.embedded.ReadmeSnippet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ha4j as another application uses it: installs the library modules and the BOM into the local
 * Maven repository, then builds a consumer project whose only sources are the README's embedding
 * examples as printed, against those coordinates, and checks what reaches its class path: ha4j and
 * its runtime dependencies, and no test or benchmark library.
 */
class MavenConsumerIT {

  private static final Path PROJECT_ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The version this build installs, as Maven filtered it into the command line's resource. */
  private static final String VERSION = buildVersion();

  private static String buildVersion() {
    java.util.Properties build = new java.util.Properties();
    try (java.io.InputStream in =
        MavenConsumerIT.class.getResourceAsStream("/ha4j-version.properties")) {
      if (in == null) {
        throw new IllegalStateException("ha4j-version.properties is missing from the build");
      }
      build.load(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return build.getProperty("version");
  }

  @Test
  void aConsumerBuildsAgainstTheInstalledModulesWithACleanClassPath(
      @TempDir Path consumer, @TempDir Path sources) throws Exception {
    // Installed from a copy: building in the project itself would rewrite the module jars that this
    // build's other integration tests are running from.
    copySources(PROJECT_ROOT, sources);
    run(
        sources,
        "mvn",
        "-B",
        "-q",
        "-Dstyle.color=never",
        "install",
        "-DskipTests",
        "-pl",
        "ha4j-bom,ha-core,ha-vrrp,ha-health,ha-proxy,ha-node");

    Files.writeString(
        consumer.resolve("pom.xml"),
        """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>ha-consumer</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>org.ha4j</groupId>
                        <artifactId>ha4j-bom</artifactId>
                        <version>%s</version>
                        <type>pom</type>
                        <scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                    <dependency>
                      <groupId>org.ha4j</groupId>
                      <artifactId>ha-vrrp</artifactId>
                    </dependency>
                    <dependency>
                      <groupId>org.ha4j</groupId>
                      <artifactId>ha-health</artifactId>
                    </dependency>
                    <dependency>
                      <groupId>org.ha4j</groupId>
                      <artifactId>ha-proxy</artifactId>
                    </dependency>
                    <dependency>
                      <groupId>org.ha4j</groupId>
                      <artifactId>ha-node</artifactId>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.14.0</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-dependency-plugin</artifactId>
                        <version>3.8.1</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """
            .formatted(VERSION));
    // the README's embedding examples, exactly as printed, are the consumer's program
    List<ReadmeSnippet> snippets = ReadmeSnippet.readAll();
    for (ReadmeSnippet snippet : snippets) {
      Path source = consumer.resolve("src/main/java").resolve(snippet.relativePath());
      Files.createDirectories(source.getParent());
      Files.writeString(source, snippet.source(), StandardCharsets.UTF_8);
    }
    Path classPathFile = consumer.resolve("classpath.txt");
    run(
        consumer,
        "mvn",
        "-B",
        "-q",
        "-Dstyle.color=never",
        "package",
        "dependency:build-classpath",
        "-Dmdep.outputFile=" + classPathFile);

    for (ReadmeSnippet snippet : snippets) {
      assertThat(
              consumer
                  .resolve("target/classes")
                  .resolve(snippet.relativePath().toString().replace(".java", ".class")))
          .exists();
    }
    List<String> jars =
        Arrays.stream(Files.readString(classPathFile).strip().split(":"))
            .map(p -> Path.of(p).getFileName().toString())
            .toList();
    assertThat(jars)
        .anyMatch(j -> j.startsWith("ha-core-" + VERSION))
        .anyMatch(j -> j.startsWith("ha-vrrp-" + VERSION))
        .anyMatch(j -> j.startsWith("ha-proxy-" + VERSION))
        .anyMatch(j -> j.startsWith("ha-node-" + VERSION))
        .anyMatch(j -> j.startsWith("jna-"))
        .anyMatch(j -> j.startsWith("slf4j-api-"))
        .noneMatch(
            j ->
                j.startsWith("junit")
                    || j.startsWith("assertj")
                    || j.startsWith("jmh")
                    || j.startsWith("awaitility")
                    || j.startsWith("slf4j-simple")
                    || j.contains("-tests")
                    || j.startsWith("examples")
                    || j.startsWith("benchmarks")
                    || j.startsWith("tomcat"));
    for (String module : List.of("ha-core", "ha-vrrp", "ha-health", "ha-proxy", "ha-node")) {
      String published = Files.readString(installedPom(module));
      assertThat(published)
          .as("the POM published for %s", module)
          .doesNotContain("<scope>test</scope>")
          .doesNotContain("<parent>")
          .contains("<license>");
    }
  }

  /** Copies the project without its build output or its Git directory. */
  private static void copySources(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path relative = from.relativize(file);
        boolean skipped = false;
        for (Path part : relative) {
          String name = part.toString();
          skipped |= name.equals("target") || name.equals(".git") || name.startsWith(".flattened");
        }
        if (skipped || relative.toString().isEmpty()) {
          continue;
        }
        Path copy = to.resolve(relative.toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Where {@code mvn install} put a module's POM: the POM a consumer's build downloads. */
  private static Path installedPom(String module) {
    Path repository =
        Path.of(
            System.getProperty(
                "maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
    return repository.resolve(
        Path.of("org", "ha4j", module, VERSION, module + "-" + VERSION + ".pom"));
  }

  private static void run(Path directory, String... command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("ha4j-maven-", ".log");
    try {
      Process process =
          new ProcessBuilder(new ArrayList<>(List.of(command)))
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(15, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", command) + " did not finish within 15 minutes");
      }
      assertThat(process.exitValue())
          .as(
              "%s in %s; output:%n%s",
              String.join(" ", command), directory, Files.readString(log, StandardCharsets.UTF_8))
          .isZero();
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
