package org.ha4j.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding examples compile as printed against the modules of this build, with every
 * warning an error, so a reader who pastes it gets no surprise. {@code MavenConsumerIT} does the
 * same against the installed artifacts in a fresh Maven project.
 */
class EmbeddingSnippetTest {

  @Test
  void theReadmeExamplesAreCompleteFilesThatCompileAsPrinted(@TempDir Path work) throws Exception {
    List<ReadmeSnippet> snippets = ReadmeSnippet.readAll();
    assertThat(snippets)
        .as("the builder example and the one-call file loading")
        .extracting(ReadmeSnippet::className)
        .contains("LoadBalancedService", "NodeFromFiles");
    List<Path> sources = new ArrayList<>();
    for (ReadmeSnippet snippet : snippets) {
      Path source = work.resolve("src").resolve(snippet.relativePath());
      Files.createDirectories(source.getParent());
      Files.writeString(source, snippet.source(), StandardCharsets.UTF_8);
      sources.add(source);
    }
    Path classes = Files.createDirectories(work.resolve("classes"));

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled =
        javac
            .getTask(
                diagnostics,
                null,
                null,
                List.of(
                    "--release",
                    "17",
                    "-Xlint:all",
                    "-Werror",
                    "-classpath",
                    System.getProperty("java.class.path"),
                    "-d",
                    classes.toString()),
                null,
                javac
                    .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                    .getJavaFileObjects(sources.toArray(Path[]::new)))
            .call();
    assertThat(compiled).as("javac on the README's examples:%n%s", diagnostics).isTrue();

    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      for (ReadmeSnippet snippet : snippets) {
        Method main =
            loader.loadClass(snippet.qualifiedClassName()).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers()))
            .as("%s.main is static", snippet.className())
            .isTrue();
      }
    }
  }
}
