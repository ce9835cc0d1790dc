package org.ha4j.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which compiled classes of a module name JNA: a class that uses any JNA type carries {@code
 * com/sun/jna} in its constant pool. Lets each module test that JNA stays inside ha-core's native
 * layer.
 */
public final class JnaReferences {

  private JnaReferences() {}

  /**
   * @param anyClassOfModule a main (not test) class of the module to scan
   * @return the class files under that module's output directory that reference JNA, as relative
   *     paths
   */
  public static List<String> in(Class<?> anyClassOfModule) {
    Path root;
    try {
      root = Path.of(anyClassOfModule.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException(
          anyClassOfModule + " does not come from a classes directory: " + root);
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> p.toString().endsWith(".class"))
          .filter(JnaReferences::namesJna)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean namesJna(Path classFile) {
    try {
      return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1)
          .contains("com/sun/jna");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
