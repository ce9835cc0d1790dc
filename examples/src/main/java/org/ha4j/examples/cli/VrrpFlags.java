package org.ha4j.examples.cli;

import java.time.Duration;
import java.util.Locale;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.config.ConfigText;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The value types of the VRRP flags ({@code node}, {@code decode}). */
final class VrrpFlags {

  private VrrpFlags() {}

  /**
   * {@code --advert-int} as VRRPv2 carries it: whole seconds 1-255 (RFC 3768 §5.3.7).
   *
   * @throws UsageException for a fraction of a second or a value outside 1-255 s
   */
  static int advertSeconds(Duration interval) throws UsageException {
    if (interval.toNanos() % 1_000_000_000L != 0
        || interval.toSeconds() < 1
        || interval.toSeconds() > 255) {
      throw new UsageException(
          "--advert-int must be whole seconds 1-255 (VRRPv2 carries seconds), got "
              + ConfigDurations.format(interval));
    }
    return (int) interval.toSeconds();
  }

  /**
   * {@code --advert-int} as the advert of {@code version} carries it: whole seconds 1-255 under
   * VRRPv2, 0.01-40.95 s in hundredths under VRRPv3 (RFC 9568 §5.2.7).
   *
   * @throws UsageException naming the range of that version
   */
  static Duration advertInterval(int version, Duration interval) throws UsageException {
    if (version == 2) {
      try {
        return Duration.ofSeconds(advertSeconds(interval));
      } catch (UsageException e) {
        throw new UsageException(e.getMessage() + "; sub-second adverts need --vrrp-version 3");
      }
    }
    try {
      VrrpRouterConfig.checkAdvertInterval(version, interval);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--advert-int must be 0.01-40.95 s in steps of 10ms under --vrrp-version 3, got "
              + ConfigDurations.format(interval));
    }
    return interval;
  }

  /** An IPv6 literal (it has a colon) is named as such rather than as a malformed A.B.C.D. */
  private static void refuseIpv6(String text, String what) {
    if (text.indexOf(':') >= 0) {
      throw new TypeConversionException(
          what
              + " not supported yet (ha4j runs VRRP over IPv4), got '"
              + ConfigText.echo(text)
              + "'");
    }
  }

  /** {@code MASTER} or {@code BACKUP}, in any case, as keepalived's {@code state}. */
  static final class StateConverter implements ITypeConverter<VrrpRouterConfig.InitialState> {
    @Override
    public VrrpRouterConfig.InitialState convert(String text) {
      return switch (text.toUpperCase(Locale.ROOT)) {
        case "MASTER" -> VrrpRouterConfig.InitialState.MASTER;
        case "BACKUP" -> VrrpRouterConfig.InitialState.BACKUP;
        default ->
            throw new TypeConversionException(
                "must be MASTER or BACKUP, got '" + ConfigText.echo(text) + "'");
      };
    }
  }

  /** {@code A.B.C.D[/N]}; without a prefix a /32, as in keepalived. */
  static final class CidrConverter implements ITypeConverter<Ipv4Cidr> {
    @Override
    public Ipv4Cidr convert(String text) {
      refuseIpv6(text, "IPv6 VIPs are");
      try {
        return Ipv4Cidr.parse(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("must be A.B.C.D[/N]: " + e.getMessage());
      }
    }
  }

  /** {@code A.B.C.D}. */
  static final class AddressConverter implements ITypeConverter<Ipv4Address> {
    @Override
    public Ipv4Address convert(String text) {
      refuseIpv6(text, "IPv6 unicast addresses are");
      try {
        return Ipv4Address.parse(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("must be A.B.C.D: " + e.getMessage());
      }
    }
  }
}
