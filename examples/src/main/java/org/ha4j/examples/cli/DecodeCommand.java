package org.ha4j.examples.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpDecoder;
import org.ha4j.vrrp.codec.VrrpIpv6Advertisement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./ha4j decode [--auth-pass P] [--advert-int T] HEX}: decodes one IP packet carrying a VRRP
 * advertisement, as captured from a raw socket or tcpdump, and says whether a receiver would accept
 * it. The packet says which it is: IPv4 or IPv6 by its first nibble, VRRPv2 or VRRPv3 by its
 * version nibble (over IPv6 always VRRPv3).
 *
 * <p>Prints one line, and exits 0: {@code VALID vrid=.. priority=.. auth=.. advert_int=..
 * addresses=.. checksum=.. source=.. destination=.. ttl=..} for VRRPv2; {@code VALID version=3
 * vrid=.. priority=.. advert_int=SECONDS addresses=.. checksum=.. source=.. destination=.. ttl=..}
 * for VRRPv3 (IPv6: {@code hop_limit=..} for {@code ttl}). Or {@code REJECT <REASON> (<rule>)
 * <detail>} and exit 1. Without flags only the wire format and the TTL are checked; {@code
 * --auth-pass} adds the auth type and password check, {@code --advert-int} the interval check, both
 * for VRRPv2 only (RFC 9568 has no authentication, and a VRRPv3 backup learns the interval).
 */
@Command(
    name = "decode",
    description =
        "Check a captured VRRP packet (VRRPv2 or VRRPv3, IPv4 or IPv6, hex) the way a receiver"
            + " does.",
    footer = {
      "%nPrints VALID and the fields (exit 0) or REJECT and the RFC rule it breaks (exit 1). The"
          + " version comes from the packet. Without flags only the wire format and TTL 255 are"
          + " checked."
    })
final class DecodeCommand extends CliCommand {

  private static final int IPV6 = 6;

  @Option(
      names = "--auth-pass",
      paramLabel = "P",
      description =
          "VRRPv2: also check the auth type (PASS) and this password (default: not checked).")
  private String authPass;

  @Option(
      names = "--advert-int",
      paramLabel = "T",
      description =
          "VRRPv2: also check the advertisement interval, whole seconds 1-255, as "
              + CliTypes.DURATION_FORMS
              + " (default: not checked).")
  private Duration advertInt;

  // The spelling this command had before --advert-int was the one name everywhere.
  @Option(names = "--adver-int", hidden = true)
  private void adverInt(Duration interval) {
    advertInt = interval;
  }

  @Parameters(
      paramLabel = "HEX",
      arity = "0..*",
      description =
          "The whole IPv4 or IPv6 packet in hex; spaces, colons and a 0x prefix are allowed.")
  private List<String> hex = List.of();

  @Override
  int run(PrintStream out, PrintStream err) throws UsageException {
    byte[] packet = parseHex(String.join("", hex));
    ReceiveExpectations.Builder expectations = ReceiveExpectations.builder().anyVersion();
    if (authPass != null) {
      if (authPass.isEmpty()) {
        throw new UsageException("--auth-pass must not be empty");
      }
      expectations.authentication(VrrpAuthentication.password(authPass));
    }
    if (advertInt != null) {
      expectations.advertIntervalSeconds(VrrpFlags.advertSeconds(advertInt));
    }

    // The first nibble of an IP packet is its version; the decoders name anything else.
    VrrpDecodeResult result =
        (packet[0] & 0xff) >>> 4 == IPV6
            ? VrrpDecoder.decodeIpv6(packet, 0, packet.length, expectations.build())
            : VrrpDecoder.decode(packet, expectations.build());
    if (result instanceof VrrpDecodeResult.Accepted accepted) {
      out.println(describe(accepted));
      return Ha4jCommandLine.EXIT_OK;
    }
    if (result instanceof VrrpDecodeResult.AcceptedIpv6 accepted) {
      out.println(describe(accepted));
      return Ha4jCommandLine.EXIT_OK;
    }
    out.println("REJECT " + result);
    return Ha4jCommandLine.EXIT_FAILURE;
  }

  static String describe(VrrpDecodeResult.Accepted accepted) {
    VrrpAdvertisement advert = accepted.advertisement();
    String addresses = addresses(advert.addresses());
    if (advert.isV3()) {
      return String.format(
          "VALID version=3 vrid=%d priority=%d advert_int=%s addresses=%s checksum=0x%04x"
              + " source=%s destination=%s ttl=%d",
          advert.virtualRouterId(),
          advert.priority(),
          seconds(advert.advertIntervalCentis()),
          addresses,
          accepted.checksum(),
          accepted.source(),
          accepted.destination(),
          accepted.ttl());
    }
    // The password itself is never printed: a capture is often pasted into tickets.
    return String.format(
        "VALID vrid=%d priority=%d auth=%s advert_int=%d addresses=%s checksum=0x%04x"
            + " source=%s destination=%s ttl=%d",
        advert.virtualRouterId(),
        advert.priority(),
        advert.authentication(),
        advert.advertIntervalSeconds(),
        addresses,
        accepted.checksum(),
        accepted.source(),
        accepted.destination(),
        accepted.ttl());
  }

  static String describe(VrrpDecodeResult.AcceptedIpv6 accepted) {
    VrrpIpv6Advertisement advert = accepted.advertisement();
    return String.format(
        "VALID version=3 vrid=%d priority=%d advert_int=%s addresses=%s checksum=0x%04x"
            + " source=%s destination=%s hop_limit=%d",
        advert.virtualRouterId(),
        advert.priority(),
        seconds(advert.maxAdvertIntervalCentis()),
        addresses(advert.addresses()),
        accepted.checksum(),
        accepted.source(),
        accepted.destination(),
        accepted.hopLimit());
  }

  private static String addresses(List<?> addresses) {
    return addresses.isEmpty()
        ? "none"
        : addresses.stream().map(Object::toString).collect(Collectors.joining(","));
  }

  /** Centiseconds as seconds, as keepalived's advert_int writes them: 0.1, 2.5, 1. */
  private static String seconds(int centis) {
    return BigDecimal.valueOf(centis, 2).stripTrailingZeros().toPlainString();
  }

  /**
   * Hex digits, with any spaces, tabs or colons between them (as tcpdump -X and Wireshark copy
   * them).
   */
  static byte[] parseHex(String text) throws UsageException {
    String digits = text.replaceAll("[\\s:]", "");
    if (digits.startsWith("0x") || digits.startsWith("0X")) {
      digits = digits.substring(2);
    }
    if (digits.isEmpty()) {
      throw new UsageException("missing HEX: the IPv4 or IPv6 packet to decode, in hex");
    }
    if (digits.length() % 2 != 0) {
      throw new UsageException(
          "HEX has an odd number of digits (" + digits.length() + "); give whole bytes");
    }
    try {
      return HexFormat.of().parseHex(digits);
    } catch (IllegalArgumentException e) {
      throw new UsageException("HEX may only hold 0-9, a-f, spaces and colons: " + e.getMessage());
    }
  }
}
