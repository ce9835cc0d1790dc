package org.ha4j.examples.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./ha4j decode [--auth-pass P] [--advert-int T] HEX}: decodes one IPv4 packet carrying a
 * VRRPv2 advertisement, as captured from a raw socket or tcpdump, and says whether a receiver would
 * accept it.
 *
 * <p>Prints one line. {@code VALID vrid=.. priority=.. auth=.. advert_int=.. addresses=..
 * checksum=.. source=.. destination=.. ttl=..} and exit 0; or {@code REJECT <REASON> (<rule>)
 * <detail>} and exit 1. Without flags only the wire format and the TTL are checked; {@code
 * --auth-pass} adds the auth type and password check, {@code --advert-int} the interval check.
 */
@Command(
    name = "decode",
    description = "Check a captured VRRPv2 packet (IPv4, hex) the way a receiver does.",
    footer = {
      "%nPrints VALID and the fields (exit 0) or REJECT and the RFC rule it breaks (exit 1). Without"
          + " flags only the wire format and TTL 255 are checked."
    })
final class DecodeCommand extends CliCommand {

  @Option(
      names = "--auth-pass",
      paramLabel = "P",
      description = "Also check the auth type (PASS) and this password (default: not checked).")
  private String authPass;

  @Option(
      names = "--advert-int",
      paramLabel = "T",
      description =
          "Also check the advertisement interval, whole seconds 1-255 as VRRPv2 carries it, as "
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
      description = "The whole IPv4 packet in hex; spaces, colons and a 0x prefix are allowed.")
  private List<String> hex = List.of();

  @Override
  int run(PrintStream out, PrintStream err) throws UsageException {
    byte[] packet = parseHex(String.join("", hex));
    ReceiveExpectations.Builder expectations = ReceiveExpectations.builder();
    if (authPass != null) {
      if (authPass.isEmpty()) {
        throw new UsageException("--auth-pass must not be empty");
      }
      expectations.authentication(VrrpAuthentication.password(authPass));
    }
    if (advertInt != null) {
      expectations.advertIntervalSeconds(VrrpFlags.advertSeconds(advertInt));
    }

    VrrpDecodeResult result = VrrpDecoder.decode(packet, expectations.build());
    if (result instanceof VrrpDecodeResult.Accepted accepted) {
      out.println(describe(accepted));
      return Ha4jCommandLine.EXIT_OK;
    }
    out.println("REJECT " + result);
    return Ha4jCommandLine.EXIT_FAILURE;
  }

  static String describe(VrrpDecodeResult.Accepted accepted) {
    VrrpAdvertisement advert = accepted.advertisement();
    String addresses =
        advert.addresses().isEmpty()
            ? "none"
            : advert.addresses().stream().map(Object::toString).collect(Collectors.joining(","));
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
      throw new UsageException("missing HEX: the IPv4 packet to decode, in hex");
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
