package org.ha4j.examples.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.core.config.ConfigText;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
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

  /** keepalived tells the families apart the same way: an IPv6 literal has a colon. */
  private static boolean isIpv6(String text) {
    return text.indexOf(':') >= 0;
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

  /**
   * {@code A.B.C.D[/N]} or an IPv6 {@code ADDRESS[/N]}; without a prefix a /32 or /128, as in
   * keepalived.
   */
  static final class CidrConverter implements ITypeConverter<IpCidr> {
    @Override
    public IpCidr convert(String text) {
      try {
        if (isIpv6(text)) {
          return IpCidr.parse(text);
        }
        Ipv4Cidr cidr = Ipv4Cidr.parse(text);
        return new IpCidr(IpAddress.ofBytes(cidr.address().toBytes()), cidr.prefixLength());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            (isIpv6(text) ? "must be an IPv6 ADDRESS[/N]: " : "must be A.B.C.D[/N]: ")
                + e.getMessage());
      }
    }
  }

  /** {@code A.B.C.D} or an IPv6 address. */
  static final class AddressConverter implements ITypeConverter<IpAddress> {
    @Override
    public IpAddress convert(String text) {
      try {
        return isIpv6(text)
            ? IpAddress.parse(text)
            : IpAddress.ofBytes(Ipv4Address.parse(text).toBytes());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            (isIpv6(text) ? "must be an IPv6 address: " : "must be A.B.C.D: ") + e.getMessage());
      }
    }
  }

  /**
   * The version an instance with {@code addresses} runs: IPv6 is VRRPv3 only (RFC 9568), so IPv6
   * addresses imply 3 and an explicit 2 beside them is a usage error.
   *
   * @param explicit whether --vrrp-version was given
   */
  static int version(int requested, boolean explicit, List<IpAddress> addresses)
      throws UsageException {
    boolean ipv6 = addresses.stream().anyMatch(IpAddress::isIpv6);
    if (!ipv6) {
      return requested;
    }
    if (explicit && requested != 3) {
      throw new UsageException(
          "--vrrp-version "
              + requested
              + " cannot carry IPv6 addresses: IPv6 is VRRPv3 only"
              + " (RFC 9568); use --vrrp-version 3 or leave it out");
    }
    return 3;
  }
}
