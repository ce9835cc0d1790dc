package org.ha4j.examples.cli;

import java.io.PrintStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpDecoder;

/**
 * {@code ./ha4j decode [--auth-pass P] [--adver-int N] HEX}: decodes one IPv4 packet carrying a
 * VRRPv2 advertisement, as captured from a raw socket or tcpdump, and says whether a receiver would
 * accept it.
 *
 * <p>Prints one line. {@code VALID vrid=.. priority=.. auth=.. advert_int=.. addresses=..
 * checksum=.. source=.. destination=.. ttl=..} and exit 0; or {@code REJECT <REASON> (<rule>)
 * <detail>} and exit 1. Without flags only the wire format and the TTL are checked; {@code
 * --auth-pass} adds the auth type and password check, {@code --adver-int} the interval check.
 */
final class DecodeCommand implements Subcommand {

  @Override
  public String name() {
    return "decode";
  }

  @Override
  public String summary() {
    return "check a captured VRRPv2 packet (IPv4, hex) the way a receiver does";
  }

  @Override
  public String usage() {
    return "decode [--auth-pass P] [--adver-int N] HEX   (HEX: the whole IPv4 packet; spaces and colons allowed)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    Flags flags = Flags.parse(args, Set.of("auth-pass", "adver-int"), Set.of());
    byte[] packet = parseHex(String.join("", flags.positional()));
    ReceiveExpectations.Builder expectations = ReceiveExpectations.builder();
    if (flags.has("auth-pass")) {
      String password = flags.required("auth-pass");
      if (password.isEmpty()) {
        throw new UsageException("--auth-pass must not be empty");
      }
      expectations.authentication(VrrpAuthentication.password(password));
    }
    if (flags.has("adver-int")) {
      expectations.advertIntervalSeconds(flags.intValue("adver-int", 1, 1, 255));
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
