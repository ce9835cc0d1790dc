package org.ha4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The exported API of one ha4j module, as its compiled {@code module-info} and classes say: every
 * {@code exports} and {@code opens} line, then every type a consumer can name from an exported
 * package (public, or protected inside such a type). {@link #assertMatchesCheckedInList()} compares
 * it with the module's {@code src/test/resources/exported-api.txt}, so a type or package that
 * becomes API shows up in review as a change to that file.
 *
 * <p>Reads the descriptor with {@link ModuleFinder} from wherever the module's classes were loaded
 * (a {@code target/classes} directory or a jar), so it works while the tests run on the class path.
 */
public final class ExportedApi {

  /**
   * Run the test with this system property set to rewrite the checked-in list instead of comparing.
   */
  public static final String UPDATE_PROPERTY = "ha4j.updateExportedApi";

  private static final Path CHECKED_IN = Path.of("src", "test", "resources", "exported-api.txt");

  private final ModuleDescriptor descriptor;
  private final List<String> lines;

  private ExportedApi(ModuleDescriptor descriptor, List<String> lines) {
    this.descriptor = descriptor;
    this.lines = lines;
  }

  /** The API of the module that holds {@code anyClassOfTheModule}. */
  public static ExportedApi of(Class<?> anyClassOfTheModule) {
    Path location = locationOf(anyClassOfTheModule);
    if (Files.isDirectory(location) && !Files.exists(location.resolve("module-info.class"))) {
      fail("no module-info.class in " + location + ": the module has no descriptor");
    }
    ModuleReference reference =
        ModuleFinder.of(location).findAll().stream()
            .findFirst()
            .orElseThrow(() -> new AssertionError("no module found at " + location));
    ModuleDescriptor descriptor = reference.descriptor();
    if (descriptor.isAutomatic()) {
      fail(
          location
              + " holds no module-info.class: "
              + descriptor.name()
              + " is only an automatic module");
    }
    List<String> lines = new ArrayList<>();
    descriptor.exports().stream().map(ExportedApi::line).sorted().forEach(lines::add);
    descriptor.opens().stream().map(ExportedApi::line).sorted().forEach(lines::add);
    Set<String> unqualified = unqualifiedExports(descriptor);
    typesIn(reference, unqualified, anyClassOfTheModule.getClassLoader())
        .forEach(type -> lines.add("type " + type));
    return new ExportedApi(descriptor, List.copyOf(lines));
  }

  public String moduleName() {
    return descriptor.name();
  }

  /** The packages every module may read. */
  public Set<String> unqualifiedExports() {
    return unqualifiedExports(descriptor);
  }

  /** {@code exports}, {@code opens} and {@code type} lines, in the checked-in file's order. */
  public List<String> lines() {
    return lines;
  }

  /**
   * Fails unless each of {@code packages} is in the module and exported to no one or only to named
   * modules: internals that a consumer must not compile against.
   */
  public void assertInternal(String... packages) {
    for (String name : packages) {
      assertThat(descriptor.packages()).as("packages of %s", moduleName()).contains(name);
      assertThat(unqualifiedExports())
          .as("packages %s exports to everyone", moduleName())
          .doesNotContain(name);
      assertThat(
              descriptor.opens().stream()
                  .filter(o -> !o.isQualified())
                  .map(ModuleDescriptor.Opens::source))
          .as("packages %s opens to everyone", moduleName())
          .doesNotContain(name);
    }
  }

  /**
   * Compares with {@code src/test/resources/exported-api.txt} (lines starting with {@code #} are
   * comments), or rewrites that file when {@value #UPDATE_PROPERTY} is set.
   */
  public void assertMatchesCheckedInList() throws IOException {
    Path file = CHECKED_IN.toAbsolutePath();
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.write(file, render(), StandardCharsets.UTF_8);
      return;
    }
    List<String> expected =
        Files.exists(file)
            ? Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .toList()
            : List.of();
    if (expected.equals(lines)) {
      return;
    }
    List<String> added = lines.stream().filter(line -> !expected.contains(line)).toList();
    List<String> removed = expected.stream().filter(line -> !lines.contains(line)).toList();
    fail(
        "The exported API of "
            + moduleName()
            + " differs from "
            + file
            + "\n"
            + added.stream().map(line -> "+ " + line + "\n").collect(Collectors.joining())
            + removed.stream().map(line -> "- " + line + "\n").collect(Collectors.joining())
            + (added.isEmpty() && removed.isEmpty() ? "(same lines, another order)\n" : "")
            + "If the change is meant, rewrite the list: mvn -pl <module> -am test -Dtest=ExportedApiTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -D"
            + UPDATE_PROPERTY
            + "=true, and review the diff.");
  }

  private List<String> render() {
    List<String> out = new ArrayList<>();
    out.add("# The exported API of module " + moduleName() + ", checked by ExportedApiTest.");
    out.add(
        "# Growing it is a decision: rewrite with -D"
            + UPDATE_PROPERTY
            + "=true and review the diff.");
    out.addAll(lines);
    return out;
  }

  private static Set<String> unqualifiedExports(ModuleDescriptor descriptor) {
    return descriptor.exports().stream()
        .filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String line(ModuleDescriptor.Exports exports) {
    return "exports " + exports.source() + to(exports.targets());
  }

  private static String line(ModuleDescriptor.Opens opens) {
    return "opens " + opens.source() + to(opens.targets());
  }

  private static String to(Set<String> targets) {
    return targets.isEmpty() ? "" : " to " + String.join(", ", new TreeSet<>(targets));
  }

  /** Canonical names of the types a consumer can name in {@code packages}, sorted. */
  private static Set<String> typesIn(
      ModuleReference reference, Set<String> packages, ClassLoader loader) {
    Set<String> types = new TreeSet<>();
    try (ModuleReader reader = reference.open();
        Stream<String> entries = reader.list()) {
      for (String entry : (Iterable<String>) entries::iterator) {
        int slash = entry.lastIndexOf('/');
        if (!entry.endsWith(".class")
            || slash < 0
            || !packages.contains(entry.substring(0, slash).replace('/', '.'))) {
          continue;
        }
        String binaryName =
            entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
        Class<?> type = Class.forName(binaryName, false, loader);
        if (isApi(type)) {
          types.add(type.getCanonicalName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("listed in the module but not loadable: " + e.getMessage(), e);
    }
    return types;
  }

  /**
   * Public, or protected within an API type, all the way out; never local, anonymous or synthetic.
   */
  private static boolean isApi(Class<?> type) {
    if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
      return false;
    }
    int modifiers = type.getModifiers();
    Class<?> enclosing = type.getDeclaringClass();
    if (enclosing == null) {
      return Modifier.isPublic(modifiers);
    }
    return (Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers)) && isApi(enclosing);
  }

  private static Path locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the classes of " + type, e);
    }
  }
}
