package org.ha4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ha4j.core.testing.FakeNotifySocket;
import org.ha4j.core.testing.LoopbackEchoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive as an operator installs it: {@code target/ha4j-VERSION.tar.gz} unpacked
 * outside the source tree and run from another directory, with a PATH that holds java and the shell
 * tools but no Maven. Its launcher finds java, refuses one that is too old, checks the shipped
 * configs, and runs a proxy that relays bytes and stops on TERM with exit 0 and no process left.
 */
class DistributionIT {

  private static final Pattern STATUS_PORT =
      Pattern.compile("STATUS-PORT http://127\\.0\\.0\\.1:(\\d+)/ serves /metrics and /status");

  /** What the launcher needs besides java, linked into a directory that becomes the whole PATH. */
  private static final List<String> TOOLS =
      List.of("bash", "env", "readlink", "dirname", "sed", "cut", "kill");

  /** What the launcher's class-data archive needs besides {@link #TOOLS}; without them, none. */
  private static final List<String> ARCHIVE_TOOLS =
      List.of("mkdir", "stat", "cksum", "mv", "rm", "sync");

  @TempDir Path dir;
  private String version;
  private Path home;
  private Path tools;
  private Path elsewhere;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void unpack() throws Exception {
    Properties build = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/ha4j-version.properties")) {
      build.load(in);
    }
    version = build.getProperty("version");
    Path archive = Path.of("target", "ha4j-" + version + ".tar.gz").toAbsolutePath();
    assertThat(archive).as("built by package, before the ITs run").isRegularFile();
    Path unpacked = Files.createDirectory(dir.resolve("opt"));
    assertThat(
            run(List.of("tar", "-xzf", archive.toString(), "-C", unpacked.toString()), Map.of())
                .exit)
        .isZero();
    home = unpacked.resolve("ha4j-" + version);
    tools = Files.createDirectory(dir.resolve("tools"));
    for (String tool : TOOLS) {
      Files.createSymbolicLink(tools.resolve(tool), which(tool));
    }
    elsewhere = Files.createDirectory(dir.resolve("work"));
  }

  @AfterEach
  void stopAll() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void theArchiveHoldsTheLauncherTheLibrariesTheUnitFileAndTheExampleConfigs() throws Exception {
    Path launcher = home.resolve("bin/ha4j");
    assertThat(Files.getPosixFilePermissions(launcher))
        .contains(
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_EXECUTE);
    List<String> jars;
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(jars)
        .allMatch(name -> name.endsWith(".jar"))
        .contains(
            "ha4j-examples-" + version + ".jar",
            "ha-core-" + version + ".jar",
            "ha-vrrp-" + version + ".jar",
            "ha-health-" + version + ".jar",
            "ha-proxy-" + version + ".jar",
            "ha-node-" + version + ".jar")
        .anyMatch(name -> name.startsWith("picocli-"))
        .anyMatch(name -> name.startsWith("netty-transport-native-epoll-"))
        .noneMatch(name -> name.contains("junit") || name.contains("assertj"));
    for (String file :
        List.of(
            "systemd/ha4j.service",
            "examples/lb1/keepalived.conf",
            "examples/lb2/keepalived.conf",
            "examples/nginx.conf",
            "README.md",
            "LICENSE",
            "CHANGELOG.md")) {
      assertThat(home.resolve(file)).isRegularFile();
    }
    // the unit runs the launcher where docs/operations.md installs it
    assertThat(Files.readAllLines(home.resolve("systemd/ha4j.service")))
        .anyMatch(line -> line.startsWith("ExecStart=/opt/ha4j/bin/ha4j run "));
  }

  @Test
  void theLauncherFindsJavaOnPathOrJavaHomeWithoutMavenAndRefusesAnOldOne() throws Exception {
    assertThat(run(List.of("bash", "-c", "command -v mvn"), pathOnly(javaOnPath())).exit)
        .as("no Maven on the PATH the launcher gets")
        .isNotZero();

    Result onPath = run(List.of(launcher(), "--version"), pathOnly(javaOnPath()));
    assertThat(onPath.exit).as(onPath.output).isZero();
    assertThat(onPath.output).startsWith("ha4j " + version + "\n");

    Path javaHome = Path.of(System.getProperty("java.home"));
    Map<String, String> viaJavaHome = pathOnly(tools);
    viaJavaHome.put("JAVA_HOME", javaHome.toString());
    Result fromHome = run(List.of(launcher(), "--version"), viaJavaHome);
    assertThat(fromHome.exit).as(fromHome.output).isZero();
    assertThat(fromHome.output).startsWith("ha4j " + version + "\n");

    Result none = run(List.of(launcher(), "--version"), pathOnly(tools));
    assertThat(none.exit).isEqualTo(1);
    assertThat(none.output).contains("no java found").contains("JAVA_HOME");

    Path old = Files.createDirectories(dir.resolve("jdk8/bin"));
    Path oldJava = old.resolve("java");
    Files.writeString(
        oldJava, "#!/bin/bash\necho 'openjdk version \"1.8.0_392\"' >&2\n", StandardCharsets.UTF_8);
    assertThat(oldJava.toFile().setExecutable(true)).isTrue();
    Map<String, String> tooOld = pathOnly(tools);
    tooOld.put("JAVA_HOME", dir.resolve("jdk8").toString());
    Result refused = run(List.of(launcher(), "--version"), tooOld);
    assertThat(refused.exit).isEqualTo(1);
    assertThat(refused.output).contains("needs Java 17 or newer").contains("1.8.0_392");
  }

  @Test
  void theShippedExampleConfigsPassCheck() throws Exception {
    Result check =
        run(
            List.of(
                launcher(),
                "check",
                home.resolve("examples/lb1/keepalived.conf").toString(),
                home.resolve("examples/nginx.conf").toString()),
            pathOnly(javaOnPath()));
    assertThat(check.exit).as(check.output).isZero();
  }

  @Test
  void aProxyFromTheArchiveRelaysBytesAndStopsOnTermWithExitZeroAndNothingLeft() throws Exception {
    try (LoopbackEchoServer backend = new LoopbackEchoServer();
        FakeNotifySocket systemd = FakeNotifySocket.bind(dir.resolve("notify").toString())) {
      Path output = dir.resolve("proxy.out");
      RunningProxy proxy =
          startProxy(
              backend,
              systemd,
              pathOnly(javaOnPath()),
              output,
              "--status-listen",
              "0",
              "--state-file",
              dir.resolve("ha4j.data").toString(),
              "--stats-file",
              dir.resolve("ha4j.stats").toString());
      // the launcher execs java: the process started is the JVM, with the launcher's settings
      assertThat(proxy.process.info().command())
          .hasValueSatisfying(c -> assertThat(c).endsWith("java"));
      assertThat(
              Files.readString(Path.of("/proc", Long.toString(proxy.process.pid()), "environ"))
                  .split("\0"))
          .contains("_JAVA_SR_SIGNUM=40");
      // a proxy alone: no VRRP timers for a pre-touched heap to protect, the heap it uses, and the
      // C heap trimmed where the JVM can (JDK 17.0.9 on; the launcher runs this test's own JVM)
      String[] options =
          Files.readString(Path.of("/proc", Long.toString(proxy.process.pid()), "cmdline"))
              .split("\0");
      assertThat(options)
          .contains("-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-Xss512k")
          .doesNotContain("-Xms64m", "-XX:+AlwaysPreTouch");
      Runtime.Version jvm = Runtime.version();
      boolean trims = jvm.feature() >= 21 || (jvm.feature() == 17 && jvm.update() >= 9);
      assertThat(List.of(options).contains("-XX:TrimNativeHeapInterval=5000"))
          .as("native heap trimming on %s", jvm)
          .isEqualTo(trims);
      for (int i = 0; i < 3; i++) {
        assertThat(LoopbackEchoServer.exchange(proxy.port, "through the archive " + i))
            .isEqualTo("through the archive " + i);
      }
      Matcher m = STATUS_PORT.matcher(Files.readString(output));
      assertThat(m.find()).as(Files.readString(output)).isTrue();
      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .contains(
              "ha4j_backend_connect_time_seconds_count{server=\""
                  + backend.hostPort()
                  + "\",upstream=\"upstream\"} 3\n");
      stopWithTerm(proxy, output);
    }
  }

  @Test
  void theFirstStartWritesAClassDataArchiveTheNextStartsMapWithoutAWordOnStdoutOrStderr()
      throws Exception {
    Map<String, String> environment = pathOnly(javaOnPath());
    // a start that fails leaves the classes of a failure, without the mark of a started command
    Result failed =
        run(List.of(launcher(), "proxy", "--listen", "127.0.0.1:" + freePort()), environment);
    assertThat(failed.exit).as(failed.output).isEqualTo(2);
    assertThat(cacheFiles())
        .singleElement()
        .asString()
        .matches("proxy-\\d+-\\d+\\.jsa\\.\\d+\\.tmp");

    try (LoopbackEchoServer backend = new LoopbackEchoServer();
        FakeNotifySocket systemd = FakeNotifySocket.bind(dir.resolve("notify").toString())) {
      Path firstOutput = dir.resolve("first.out");
      RunningProxy first = startProxy(backend, systemd, environment, firstOutput);
      assertThat(mappedFromCache(first))
          .as("no archive yet: the failed start's is dropped")
          .isEmpty();
      assertThat(LoopbackEchoServer.exchange(first.port, "first")).isEqualTo("first");
      stopWithTerm(first, firstOutput);
      String pending = "\\.jsa\\." + first.process.pid() + "\\.tmp";
      assertThat(cacheFiles())
          .as("the first start's archive, written at its exit, and its mark")
          .hasSize(2)
          .allMatch(name -> name.matches("proxy-\\d+-\\d+" + pending + "(\\.started)?"));

      Path secondOutput = dir.resolve("second.out");
      RunningProxy second = startProxy(backend, systemd, environment, secondOutput);
      assertThat(cacheFiles()).singleElement().asString().matches("proxy-\\d+-\\d+\\.jsa");
      Path archive = cache().resolve(cacheFiles().get(0));
      assertThat(mappedFromCache(second)).as("the JVM maps it").containsExactly(archive.toString());
      assertThat(LoopbackEchoServer.exchange(second.port, "second")).isEqualTo("second");
      stopWithTerm(second, secondOutput);
      assertThat(cacheFiles())
          .as("nothing new written")
          .containsExactly(archive.getFileName().toString());

      for (Path output : List.of(firstOutput, secondOutput)) {
        assertThat(Files.readAllLines(output))
            .as("only the command's own lines")
            .allMatch(line -> line.startsWith("ha4j proxy: ") || line.startsWith("[main] INFO "));
      }
    }
  }

  @Test
  void anArchiveCutShortIsThrownAwayAndTheNextStartWritesANewOne() throws Exception {
    Map<String, String> environment = pathOnly(javaOnPath());
    try (LoopbackEchoServer backend = new LoopbackEchoServer();
        FakeNotifySocket systemd = FakeNotifySocket.bind(dir.resolve("notify").toString())) {
      RunningProxy first = startProxy(backend, systemd, environment, dir.resolve("first.out"));
      stopWithTerm(first, dir.resolve("first.out"));
      Path pending =
          cache().resolve(cacheFiles().stream().filter(f -> f.endsWith(".tmp")).findFirst().get());
      // as a power loss can leave it: the header on disk, the regions behind it not; mapping such a
      // file kills the JVM with SIGBUS, at every start
      byte[] whole = Files.readAllBytes(pending);
      Files.delete(pending);
      Files.write(pending, java.util.Arrays.copyOf(whole, whole.length / 2));

      Path output = dir.resolve("second.out");
      RunningProxy second = startProxy(backend, systemd, environment, output);
      assertThat(mappedFromCache(second)).isEmpty();
      assertThat(cacheFiles())
          .as("the cut archive and its mark removed; this start's mark, as it started")
          .containsExactly(
              pending.getFileName().toString().replaceFirst("\\.\\d+\\.tmp$", "")
                  + "."
                  + second.process.pid()
                  + ".tmp.started");
      assertThat(LoopbackEchoServer.exchange(second.port, "still relays"))
          .isEqualTo("still relays");
      stopWithTerm(second, output);
      assertThat(cacheFiles())
          .hasSize(2)
          .allMatch(name -> name.contains(".jsa." + second.process.pid() + ".tmp"));
    }
  }

  @Test
  void withCdsOffTheLauncherNeitherWritesNorMapsAnArchive() throws Exception {
    Map<String, String> environment = pathOnly(javaOnPath());
    environment.put("HA4J_CDS", "off");
    try (LoopbackEchoServer backend = new LoopbackEchoServer();
        FakeNotifySocket systemd = FakeNotifySocket.bind(dir.resolve("notify").toString())) {
      for (String run : List.of("first.out", "second.out")) {
        RunningProxy proxy = startProxy(backend, systemd, environment, dir.resolve(run));
        assertThat(mappedFromCache(proxy)).isEmpty();
        stopWithTerm(proxy, dir.resolve(run));
      }
    }
    assertThat(cacheFiles()).isEmpty();
  }

  private record RunningProxy(
      Process process, int port, List<ProcessHandle> family, FakeNotifySocket systemd) {}

  /** A proxy of the archive's launcher in front of {@code backend}, once it said READY=1. */
  private RunningProxy startProxy(
      LoopbackEchoServer backend,
      FakeNotifySocket systemd,
      Map<String, String> environment,
      Path output,
      String... flags)
      throws Exception {
    int port = freePort();
    List<String> command =
        new ArrayList<>(
            List.of(
                launcher(),
                "proxy",
                "--listen",
                "127.0.0.1:" + port,
                "--upstream",
                backend.hostPort()));
    command.addAll(List.of(flags));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(elsewhere.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.environment().put("NOTIFY_SOCKET", systemd.name());
    Process proxy = builder.start();
    started.add(proxy);
    assertThat(systemd.next(Duration.ofSeconds(30))).as(output.toString()).isEqualTo("READY=1");
    List<ProcessHandle> family = new ArrayList<>(proxy.descendants().toList());
    family.add(proxy.toHandle());
    return new RunningProxy(proxy, port, family, systemd);
  }

  /** TERM: exit 0, no process of it left, its port free again. */
  private void stopWithTerm(RunningProxy proxy, Path output) throws Exception {
    assertThat(run(List.of("kill", "-TERM", Long.toString(proxy.process.pid())), Map.of()).exit)
        .isZero();
    assertThat(proxy.process.waitFor(60, TimeUnit.SECONDS)).as("stopped on TERM").isTrue();
    assertThat(proxy.process.exitValue()).as(Files.readString(output)).isZero();
    assertThat(proxy.systemd.next(Duration.ofSeconds(5))).isEqualTo("STOPPING=1");
    assertThat(proxy.family).noneMatch(ProcessHandle::isAlive);
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port));
      assertThat(again.isBound()).as("the listener's port is free again").isTrue();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    }
  }

  /** The launcher's cache, file names sorted; empty when there is none. */
  private List<String> cacheFiles() throws IOException {
    if (!Files.isDirectory(cache())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cache())) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** The files of the launcher's cache the running JVM has mapped, from /proc/PID/maps. */
  private List<String> mappedFromCache(RunningProxy proxy) throws IOException {
    try (Stream<String> maps =
        Files.lines(Path.of("/proc", Long.toString(proxy.process.pid()), "maps"))) {
      return maps.map(line -> line.substring(line.lastIndexOf(' ') + 1))
          .filter(file -> file.startsWith(cache().toString()))
          .distinct()
          .toList();
    }
  }

  private String launcher() {
    return home.resolve("bin/ha4j").toString();
  }

  /** The tools plus the running JVM's java, as the only directory on PATH. */
  private Path javaOnPath() throws IOException {
    Path withJava = dir.resolve("tools-and-java");
    if (!Files.exists(withJava)) {
      Files.createDirectory(withJava);
      for (String tool : TOOLS) {
        Files.createSymbolicLink(withJava.resolve(tool), which(tool));
      }
      for (String tool : ARCHIVE_TOOLS) {
        Files.createSymbolicLink(withJava.resolve(tool), which(tool));
      }
      Files.createSymbolicLink(
          withJava.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    }
    return withJava;
  }

  /**
   * An environment with PATH alone: no JAVA_HOME, no MAVEN_HOME, nothing from the build; and the
   * launcher's class-data cache in this test's directory instead of the machine's /var/cache.
   */
  private Map<String, String> pathOnly(Path path) {
    Map<String, String> environment = new HashMap<>();
    environment.put("PATH", path.toString());
    environment.put("HA4J_CDS_DIR", cache().toString());
    return environment;
  }

  private Path cache() {
    return dir.resolve("cache");
  }

  private static Path which(String tool) {
    for (String entry : System.getenv("PATH").split(":")) {
      Path candidate = Path.of(entry, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(tool + " is not on this machine's PATH");
  }

  private record Result(int exit, String output) {}

  /** Runs {@code command} from a directory outside the source tree and waits (60 s at most). */
  private Result run(List<String> command, Map<String, String> environment) throws Exception {
    Path output = Files.createTempFile(dir, "run", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(elsewhere == null ? dir.toFile() : elsewhere.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    if (!environment.isEmpty()) {
      builder.environment().clear();
      builder.environment().putAll(environment);
    }
    Process process = builder.start();
    started.add(process);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError(command + " did not finish: " + Files.readString(output));
    }
    return new Result(process.exitValue(), Files.readString(output));
  }
}
