package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./ha4j decode}, run in-process with captured output. */
class DecodeCommandTest {

  /**
   * The seed deployment's master advert, captured from keepalived 2.2.7 (VRID 51, PASS 1111,
   * 10.201.0.100).
   */
  private static final String SEED_MASTER =
      "45c0002800010000ff70cfbf0ac9000ae00000122133640101010c3b0ac900643131313100000000";

  /**
   * keepalived 2.2.7's VRRPv3 master adverts over IPv4 (VRID 51, advert_int 0.1) and IPv6 (VRID 61,
   * advert_int 0.05), from ha-vrrp's keepalived-2.2.7-v3-adverts.txt.
   */
  private static final String V3_IPV4_MASTER =
      "45c0002000060000ff70cfc30ac8000ae000001231336401000a74340ac80064";

  private static final String V3_IPV6_MASTER =
      "6c0103b5001870fffe80000000000000000000fffe00000aff020000000000000000000000000012"
          + "313d960100053b93fd000200000000000000000000000100";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    List<String> line = new ArrayList<>(List.of("decode"));
    line.addAll(List.of(args));
    return Ha4jCommandLine.run(
        line,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theSeedAdvertIsValid() {
    assertThat(run(SEED_MASTER)).isZero();
    assertThat(stdout())
        .isEqualTo(
            "VALID vrid=51 priority=100 auth=PASS advert_int=1 addresses=10.201.0.100"
                + " checksum=0x0c3b source=10.201.0.10 destination=224.0.0.18 ttl=255"
                + System.lineSeparator());
    assertThat(stderr()).isEmpty();
  }

  @Test
  void theRightPasswordAndIntervalPass() {
    assertThat(run("--auth-pass", "1111", "--adver-int", "1", SEED_MASTER)).isZero();
    assertThat(stdout()).startsWith("VALID vrid=51 ").doesNotContain("1111 ");
  }

  @Test
  void aWrongPasswordIsRejected() {
    assertThat(run("--auth-pass", "2222", SEED_MASTER)).isEqualTo(1);
    assertThat(stdout())
        .isEqualTo(
            "REJECT PASSWORD_MISMATCH (RFC 3768 §7.1) password does not match the"
                + " configured one"
                + System.lineSeparator());
  }

  @Test
  void aWrongIntervalIsRejected() {
    assertThat(run("--adver-int=3", SEED_MASTER)).isEqualTo(1);
    assertThat(stdout())
        .startsWith(
            "REJECT ADVERT_INTERVAL_MISMATCH (RFC 3768 §7.1) advert interval 1 s, configured 3 s");
  }

  @Test
  void aCorruptedChecksumIsRejected() {
    String corrupted = SEED_MASTER.replace("0c3b", "0c3c");
    assertThat(run(corrupted)).isEqualTo(1);
    assertThat(stdout())
        .isEqualTo(
            "REJECT CHECKSUM_BAD (RFC 3768 §5.3.8/§7.1) VRRP checksum 0x0c3c, computed"
                + " 0x0c3b"
                + System.lineSeparator());
  }

  @Test
  void spacesAndColonsBetweenDigitsAreFine() {
    StringBuilder spaced = new StringBuilder();
    for (int i = 0; i < SEED_MASTER.length(); i += 2) {
      spaced.append(SEED_MASTER, i, i + 2).append(i % 4 == 0 ? ':' : ' ');
    }
    assertThat(run(spaced.toString())).isZero();
    assertThat(
            run(
                "45c00028",
                "00010000ff70cfbf0ac9000ae00000122133640101010c3b0ac900643131313100000000"))
        .isZero();
    assertThat(run("0x" + SEED_MASTER)).isZero();
  }

  @Test
  void badHexIsAUsageError() {
    assertThat(run("45c0zz")).isEqualTo(2);
    assertThat(stderr()).contains("HEX may only hold").contains("usage: ha4j decode");
    assertThat(stdout()).isEmpty();
  }

  @Test
  void anOddNumberOfDigitsIsAUsageError() {
    assertThat(run("45c")).isEqualTo(2);
    assertThat(stderr()).contains("odd number of digits");
  }

  @Test
  void noHexIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(stderr()).contains("missing HEX");
  }

  @Test
  void badFlagsAreUsageErrors() {
    assertThat(run("--adver-int", "0", SEED_MASTER)).isEqualTo(2);
    assertThat(run("--auth-pass")).isEqualTo(2);
    assertThat(run("--auth-pass", "", SEED_MASTER)).isEqualTo(2);
    assertThat(run("--verbose", SEED_MASTER)).isEqualTo(2);
  }

  @Test
  void aPacketTooShortIsARejectionNotAUsageError() {
    assertThat(run("45c0")).isEqualTo(1);
    assertThat(stdout()).startsWith("REJECT IP_HEADER_LENGTH_INVALID (RFC 791 §3.1) ");
  }

  @Test
  void listedInTheCommandList() {
    assertThat(
            Ha4jCommandLine.run(
                List.of("--help"),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)))
        .isZero();
    assertThat(stdout()).contains("decode ");
  }

  @Test
  void aVrrpv3AdvertOverIpv4IsReadAsItsVersionNibbleSays() {
    assertThat(run(V3_IPV4_MASTER)).isZero();
    assertThat(stdout())
        .isEqualTo(
            "VALID version=3 vrid=51 priority=100 advert_int=0.1 addresses=10.200.0.100"
                + " checksum=0x7434 source=10.200.0.10 destination=224.0.0.18 ttl=255"
                + System.lineSeparator());
  }

  @Test
  void aVrrpv3AdvertOverIpv6IsRead() {
    assertThat(run(V3_IPV6_MASTER)).isZero();
    assertThat(stdout())
        .isEqualTo(
            "VALID version=3 vrid=61 priority=150 advert_int=0.05 addresses=fd00:200::100"
                + " checksum=0x3b93 source=fe80::ff:fe00:a destination=ff02::12 hop_limit=255"
                + System.lineSeparator());
  }

  @Test
  void theVrrpv2OnlyChecksDoNotApplyToVrrpv3() {
    // RFC 9568 has no authentication, and a VRRPv3 backup learns the master's interval
    assertThat(run("--auth-pass", "1111", "--advert-int", "3", V3_IPV4_MASTER)).isZero();
    assertThat(stdout()).startsWith("VALID version=3 vrid=51 ");
  }

  @Test
  void aCorruptedVrrpv3ChecksumIsRejectedInEitherFamily() {
    assertThat(run(V3_IPV4_MASTER.replace("7434", "7435"))).isEqualTo(1);
    assertThat(run(V3_IPV6_MASTER.replace("3b93", "3b94"))).isEqualTo(1);
    assertThat(stdout().lines()).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("REJECT "));
  }
}
