package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flag handling only: these never reach start(), so they touch no interface. */
class NodeCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("node"));
    all.addAll(List.of(args));
    return Ha4jCommandLine.run(
        all,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void missingRequiredFlagsAreUsageErrors() {
    assertThat(run("--interface", "h4jnone0", "--vrid", "51", "--vip", "10.200.0.100"))
        .isEqualTo(2);
    assertThat(err()).contains("--priority is required").contains("usage: ha4j node");
  }

  @Test
  void trackScriptFlagsAreCheckedBeforeAnythingRuns() {
    assertThat(
            run(
                "--interface",
                "h4jnone0",
                "--vrid",
                "51",
                "--priority",
                "100",
                "--vip",
                "10.200.0.100",
                "--track-weight",
                "-20"))
        .isEqualTo(2);
    assertThat(err()).contains("--track-weight must follow a --track-script");
    assertThat(
            run(
                "--interface",
                "h4jnone0",
                "--vrid",
                "51",
                "--priority",
                "100",
                "--vip",
                "10.200.0.100",
                "--track-script",
                "/bin/true",
                "--track-weight",
                "300"))
        .isEqualTo(2);
    assertThat(err()).contains("--track-weight must be -253 to 253");
    assertThat(
            run(
                "--interface",
                "h4jnone0",
                "--vrid",
                "51",
                "--priority",
                "100",
                "--vip",
                "10.200.0.100",
                "--track-scritp",
                "/bin/true"))
        .isEqualTo(2);
    assertThat(err()).contains("unknown flag --track-scritp");
  }

  @Test
  void aVipIsRequired() {
    assertThat(run("--interface", "h4jnone0", "--vrid", "51", "--priority", "100")).isEqualTo(2);
    assertThat(err()).contains("--vip");
  }

  @Test
  void outOfRangeAndMalformedValuesSayWhatIsAllowed() {
    assertThat(
            run(
                "--interface",
                "h4jnone0",
                "--vrid",
                "256",
                "--priority",
                "100",
                "--vip",
                "10.200.0.100"))
        .isEqualTo(2);
    assertThat(err()).contains("--vrid must be 1-255");
    assertThat(
            run(
                "--interface",
                "h4jnone0",
                "--vrid",
                "5",
                "--priority",
                "100",
                "--vip",
                "10.200.0.300"))
        .isEqualTo(2);
    assertThat(err()).contains("--vip");
    assertThat(
            run(
                "--interface",
                "h4jnone0",
                "--vrid",
                "5",
                "--priority",
                "100",
                "--vip",
                "10.200.0.1",
                "--state",
                "LEADER"))
        .isEqualTo(2);
    assertThat(err()).contains("MASTER or BACKUP");
    assertThat(
            run(
                "--interface",
                "h4jnone0",
                "--vrid",
                "5",
                "--priority",
                "100",
                "--vip",
                "10.200.0.1",
                "--unicast-src",
                "10.200.0.11"))
        .isEqualTo(2);
    assertThat(err()).contains("--unicast-peer");
    assertThat(
            run(
                "--interface",
                "h4jnone0",
                "--vrid",
                "5",
                "--priority",
                "100",
                "--vip",
                "10.200.0.1",
                "--bogus"))
        .isEqualTo(2);
    assertThat(err()).contains("unknown flag --bogus");
  }

  @Test
  void gratuitousArpTimingFlagsTakeKeepalivedsRanges() {
    List<String> base =
        List.of(
            "--interface", "h4jnone0", "--vrid", "5", "--priority", "100", "--vip", "10.200.0.1");
    List<List<String>> refused =
        List.of(
            List.of("--garp-master-refresh", "-1"),
            List.of("--garp-master-refresh", "60", "--garp-master-refresh-repeat", "0"));
    List<String> messages =
        List.of(
            "--garp-master-refresh must be nginx time (500ms, 1s, 1m, 1h30m) or plain seconds",
            "--garp-master-refresh-repeat must be 1-255");
    for (int i = 0; i < refused.size(); i++) {
      List<String> args = new ArrayList<>(base);
      args.addAll(refused.get(i));
      assertThat(run(args.toArray(String[]::new))).isEqualTo(2);
      assertThat(err()).contains(messages.get(i));
    }
    // accepted: the run gets as far as looking for the interface
    List<String> accepted = new ArrayList<>(base);
    accepted.addAll(
        List.of(
            "--garp-master-refresh",
            "60",
            "--garp-master-refresh-repeat",
            "2",
            "--garp-master-delay",
            "0"));
    assertThat(run(accepted.toArray(String[]::new))).isEqualTo(1);
    assertThat(err()).contains("no interface named h4jnone0");
  }

  @Test
  void anInterfaceThatDoesNotExistFailsWithExit1AndAClearMessage() {
    // h4jnone0 exists in no namespace: start() stops before opening any socket.
    assertThat(
            run(
                "--interface",
                "h4jnone0",
                "--vrid",
                "5",
                "--priority",
                "100",
                "--vip",
                "10.200.0.1"))
        .isEqualTo(1);
    assertThat(err()).contains("no interface named h4jnone0");
  }

  @Test
  void everyTimeFlagTakesNginxDurationsAndPlainSeconds() {
    List<String> base =
        List.of(
            "--interface", "h4jnone0", "--vrid", "5", "--priority", "100", "--vip", "10.200.0.1");
    List<String> accepted = new ArrayList<>(base);
    accepted.addAll(
        List.of(
            "--advert-int",
            "2s",
            "--preempt-delay",
            "1m",
            "--garp-master-delay",
            "500ms",
            "--garp-master-refresh",
            "1h",
            "--track-script",
            "/bin/true",
            "--track-interval",
            "500ms",
            "--track-timeout",
            "0.2",
            "--track-script",
            "/bin/true",
            "--track-interval=2"));
    // accepted: the run gets as far as looking for the interface
    assertThat(run(accepted.toArray(String[]::new))).isEqualTo(1);
    assertThat(err()).contains("no interface named h4jnone0");

    List<List<String>> refused =
        List.of(
            List.of("--advert-int", "1500ms"),
            List.of("--preempt-delay", "17m"),
            List.of("--track-script", "/bin/true", "--track-rise", "2", "--track-rise", "3"),
            List.of("--track-script", "/bin/true", "--track-interval", "0"));
    List<String> messages =
        List.of(
            "--advert-int must be whole seconds 1-255",
            "--preempt-delay must be 0s-16m40s, got 17m",
            "--track-rise given twice for one --track-script",
            "--track-interval must be at least 0.001 seconds");
    assertUsageErrors(base, refused, messages);
  }

  @Test
  void vrrpVersion3TakesHundredthsOfASecondAndVersion2WholeSeconds() {
    List<String> base =
        List.of(
            "--interface", "h4jnone0", "--vrid", "5", "--priority", "100", "--vip", "10.200.0.1");
    for (List<String> accepted :
        List.of(
            List.of("--vrrp-version", "3", "--advert-int", "100ms"),
            List.of("--vrrp-version", "3", "--advert-int", "0.01"),
            List.of("--vrrp-version", "3", "--advert-int", "40.95"),
            List.of("--vrrp-version", "3"),
            List.of("--vrrp-version", "2", "--advert-int", "3"))) {
      List<String> args = new ArrayList<>(base);
      args.addAll(accepted);
      err.reset();
      // accepted: the run gets as far as looking for the interface
      assertThat(run(args.toArray(String[]::new))).as("%s", args).isEqualTo(1);
      assertThat(err()).contains("no interface named h4jnone0");
    }
    List<List<String>> refused =
        List.of(
            List.of("--advert-int", "100ms"),
            List.of("--vrrp-version", "3", "--advert-int", "5ms"),
            List.of("--vrrp-version", "3", "--advert-int", "41s"),
            List.of("--vrrp-version", "3", "--advert-int", "0.015"),
            List.of("--vrrp-version", "4"));
    List<String> messages =
        List.of(
            "--advert-int must be whole seconds 1-255 (VRRPv2 carries seconds), got 100ms;"
                + " sub-second adverts need --vrrp-version 3",
            "--advert-int must be 0.01-40.95 s in steps of 10ms under --vrrp-version 3, got 5ms",
            "--advert-int must be 0.01-40.95 s in steps of 10ms under --vrrp-version 3, got 41s",
            "--advert-int must be 0.01-40.95 s in steps of 10ms under --vrrp-version 3, got 15ms",
            "--vrrp-version must be 2-3, got 4");
    assertUsageErrors(base, refused, messages);
  }

  @Test
  void ipv6AddressesMeanVrrpv3AndOneFamily() {
    List<String> base = List.of("--interface", "h4jnone0", "--vrid", "5", "--priority", "100");
    assertUsageErrors(
        base,
        List.of(
            List.of("--vip", "fd00:200::100/64", "--vrrp-version", "2"),
            List.of(
                "--vip",
                "10.200.0.1",
                "--unicast-src",
                "fd00:200::11",
                "--unicast-peer",
                "fd00:200::12"),
            List.of("--vip", "fd00:200::100", "--unicast-peer", "10.200.0.12"),
            List.of("--vip", "fd00:200::zz"),
            List.of("--vip", "fd00:200::100", "--advert-int", "41s")),
        List.of(
            "--vrrp-version 2 cannot carry IPv6 addresses: IPv6 is VRRPv3 only (RFC 9568)",
            "an instance's addresses are all IPv4 or all IPv6",
            "an instance's addresses are all IPv4 or all IPv6",
            "must be an IPv6 ADDRESS[/N]",
            // IPv6 implies version 3, so its interval range applies
            "--advert-int must be 0.01-40.95 s in steps of 10ms under --vrrp-version 3, got 41s"));
  }

  /** Each of {@code refused}, after {@code base}, exits 2 with its message on stderr. */
  private void assertUsageErrors(
      List<String> base, List<List<String>> refused, List<String> messages) {
    for (int i = 0; i < refused.size(); i++) {
      List<String> args = new ArrayList<>(base);
      args.addAll(refused.get(i));
      err.reset();
      assertThat(run(args.toArray(String[]::new))).as("%s", args).isEqualTo(2);
      assertThat(err()).contains(messages.get(i));
    }
  }
}
