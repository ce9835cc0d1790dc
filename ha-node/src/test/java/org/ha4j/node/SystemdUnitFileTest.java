package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ha4j.core.testing.Privileges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped unit file, dist/systemd/ha4j.service: the keys ha4j relies on, and systemd's own
 * parser ({@code systemd-analyze verify}, which needs no running systemd) finding nothing to say.
 */
class SystemdUnitFileTest {

  private static final Path UNIT = Path.of("..", "dist", "systemd", "ha4j.service");
  private static final String EXEC = "/opt/ha4j/bin/ha4j";
  private static final Set<String> CAPABILITIES =
      Set.of("CAP_NET_RAW", "CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE");

  @TempDir Path dir;

  @Test
  void theServiceIsTypeNotifyReloadsByHupAndIsWatched() throws IOException {
    Map<String, List<String>> service = section("Service");
    assertThat(service.get("Type")).containsExactly("notify");
    assertThat(service.get("NotifyAccess")).containsExactly("main");
    assertThat(service.get("ExecReload")).containsExactly("kill -HUP $MAINPID");
    assertThat(service.get("ExecStart")).singleElement().asString().startsWith(EXEC + " run ");
    assertThat(service.get("WatchdogSec")).containsExactly("30s");
    assertThat(service.get("KillMode")).containsExactly("mixed");
    // the longest drain of a command's default (proxy: 30 s) fits in the stop timeout
    assertThat(seconds(service.get("TimeoutStopSec").get(0))).isGreaterThan(30);
  }

  @Test
  void theServiceRunsAsAnUnprivilegedUserWithTheThreeCapabilitiesItNeeds() throws IOException {
    Map<String, List<String>> service = section("Service");
    assertThat(service.get("User")).singleElement().isNotIn("root", "0");
    assertThat(words(service.get("AmbientCapabilities"))).isEqualTo(CAPABILITIES);
    assertThat(words(service.get("CapabilityBoundingSet"))).isEqualTo(CAPABILITIES);
    assertThat(service.get("NoNewPrivileges")).containsExactly("yes");
  }

  @Test
  void theDumpsGoWhereAnOperatorFindsThemAndTheStatusPortStaysOnLoopback() throws IOException {
    Map<String, List<String>> service = section("Service");
    // PrivateTmp= would hide the default /tmp/ha4j.data and /tmp/ha4j.stats from everyone else
    assertThat(service.get("PrivateTmp")).containsExactly("yes");
    assertThat(service.get("RuntimeDirectory")).containsExactly("ha4j");
    // the launcher's class-data archive, writable by User= under ProtectSystem= (CACHE_DIRECTORY)
    assertThat(service.get("CacheDirectory")).containsExactly("ha4j");
    assertThat(service.get("ExecStart"))
        .singleElement()
        .asString()
        .contains(" --state-file /run/ha4j/ha4j.data", " --stats-file /run/ha4j/ha4j.stats")
        .contains(" --status-listen 9742");
  }

  @Test
  void outputAndDiagnosticsGoToTheJournal() throws IOException {
    Map<String, List<String>> service = section("Service");
    assertThat(service.get("StandardOutput")).containsExactly("journal");
    assertThat(service.get("StandardError")).containsExactly("journal");
    assertThat(section("Install").get("WantedBy")).containsExactly("multi-user.target");
  }

  @Test
  void systemdsOwnParserFindsNothingToSay() throws Exception {
    Path copy = verifiableCopy(Files.readString(UNIT));
    Verification result = verify(copy);
    assertThat(result.output()).isEmpty();
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void theParserDoesReportAMistake() throws Exception {
    // the check above means something only if systemd-analyze reports what it does not accept
    Path copy =
        verifiableCopy(Files.readString(UNIT).replace("Type=notify\n", "Type=notify\nTyep=x\n"));
    assertThat(verify(copy).output()).contains("Unknown key 'Tyep'");
  }

  /**
   * The unit with ExecStart's program replaced by a stub in the temporary directory: verify insists
   * that the program exist, and /opt/ha4j is not installed on a build machine.
   */
  private Path verifiableCopy(String unit) throws IOException {
    Path program = dir.resolve("ha4j");
    Files.writeString(program, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(unit).contains("ExecStart=" + EXEC + " ");
    Path copy = dir.resolve("ha4j.service");
    Files.writeString(copy, unit.replace("ExecStart=" + EXEC, "ExecStart=" + program));
    return copy;
  }

  private record Verification(int exitCode, String output) {}

  private static Verification verify(Path unit) throws Exception {
    Privileges.assumeThat(
        onPath("systemd-analyze"),
        "systemd-analyze is not installed (Debian: apt-get install systemd)");
    Process process =
        new ProcessBuilder("systemd-analyze", "verify", unit.toString())
            .redirectErrorStream(true)
            .start();
    try {
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("systemd-analyze ends").isTrue();
      return new Verification(process.exitValue(), output.strip());
    } finally {
      process.destroyForcibly();
    }
  }

  private static boolean onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
  }

  /** A section's assignments, in file order; a key given twice keeps both values. */
  private static Map<String, List<String>> section(String name) throws IOException {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    String current = null;
    for (String raw : Files.readAllLines(UNIT)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        current = line.substring(1, line.length() - 1);
        continue;
      }
      int equals = line.indexOf('=');
      assertThat(equals).as("an assignment: " + line).isPositive();
      assertThat(line).as("no line continuations to read").doesNotEndWith("\\");
      if (name.equals(current)) {
        keys.computeIfAbsent(line.substring(0, equals).strip(), k -> new ArrayList<>())
            .add(line.substring(equals + 1).strip());
      }
    }
    assertThat(keys).as("section [" + name + "]").isNotEmpty();
    return keys;
  }

  private static Set<String> words(List<String> values) {
    assertThat(values).as("one assignment").hasSize(1);
    return Arrays.stream(values.get(0).split("\\s+")).collect(Collectors.toSet());
  }

  private static long seconds(String timespan) {
    assertThat(timespan).matches("\\d+s");
    return Long.parseLong(timespan.substring(0, timespan.length() - 1));
  }
}
