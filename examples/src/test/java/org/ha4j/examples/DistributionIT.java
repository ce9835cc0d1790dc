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
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path output = dir.resolve("proxy.out");
    try (LoopbackEchoServer backend = new LoopbackEchoServer();
        FakeNotifySocket systemd = FakeNotifySocket.bind(dir.resolve("notify").toString())) {
      Map<String, String> environment = pathOnly(javaOnPath());
      environment.put("NOTIFY_SOCKET", systemd.name());
      ProcessBuilder builder =
          new ProcessBuilder(
                  launcher(),
                  "proxy",
                  "--listen",
                  "127.0.0.1:" + port,
                  "--upstream",
                  backend.hostPort(),
                  "--status-listen",
                  "0",
                  "--state-file",
                  dir.resolve("ha4j.data").toString(),
                  "--stats-file",
                  dir.resolve("ha4j.stats").toString())
              .directory(elsewhere.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      builder.environment().clear();
      builder.environment().putAll(environment);
      Process proxy = builder.start();
      started.add(proxy);

      assertThat(systemd.next(Duration.ofSeconds(30))).isEqualTo("READY=1");
      // the launcher execs java: the process started is the JVM, with the launcher's settings
      assertThat(proxy.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("java"));
      assertThat(
              Files.readString(Path.of("/proc", Long.toString(proxy.pid()), "environ")).split("\0"))
          .contains("_JAVA_SR_SIGNUM=40");
      for (int i = 0; i < 3; i++) {
        assertThat(LoopbackEchoServer.exchange(port, "through the archive " + i))
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

      List<ProcessHandle> family = new ArrayList<>(proxy.descendants().toList());
      family.add(proxy.toHandle());
      assertThat(run(List.of("kill", "-TERM", Long.toString(proxy.pid())), Map.of()).exit).isZero();
      assertThat(proxy.waitFor(60, TimeUnit.SECONDS)).as("stopped on TERM").isTrue();
      assertThat(proxy.exitValue()).as(Files.readString(output)).isZero();
      assertThat(family).noneMatch(ProcessHandle::isAlive);
      try (ServerSocket again = new ServerSocket()) {
        again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        assertThat(again.isBound()).as("the listener's port is free again").isTrue();
      }
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
      Files.createSymbolicLink(
          withJava.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    }
    return withJava;
  }

  /** An environment with PATH alone: no JAVA_HOME, no MAVEN_HOME, nothing from the build. */
  private static Map<String, String> pathOnly(Path path) {
    Map<String, String> environment = new HashMap<>();
    environment.put("PATH", path.toString());
    return environment;
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
