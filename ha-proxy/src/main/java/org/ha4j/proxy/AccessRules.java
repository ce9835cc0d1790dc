package org.ha4j.proxy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;

/**
 * nginx's {@code allow}/{@code deny} ({@code ngx_stream_access_module}): rules are checked in
 * order, the first that matches decides; when none matches, access is allowed. A denied session
 * ends with status 403. {@code all} matches clients of both families; an IPv4 or IPv6 CIDR matches
 * only its own family, and an IPv4-mapped client ({@code ::ffff:a.b.c.d}) is matched as the IPv4
 * address it stands for, as nginx does.
 */
public final class AccessRules {

  /** {@code cidr == null} is {@code all}. */
  private record Rule(boolean allow, IpCidr cidr) {}

  private static final AccessRules ALLOW_ALL = new AccessRules(List.of());

  private final List<Rule> rules;

  private AccessRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** No rules: everyone is allowed. */
  public static AccessRules allowAll() {
    return ALLOW_ALL;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether a client at {@code address} may connect. */
  public boolean allows(InetAddress address) {
    return rules.isEmpty() || allows(IpAddress.of(address));
  }

  /** Whether a client at {@code address} may connect. */
  public boolean allows(IpAddress address) {
    IpAddress client = address.unmapped();
    for (Rule rule : rules) {
      if (rule.cidr == null || rule.cidr.contains(client)) {
        return rule.allow;
      }
    }
    return true;
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** Collects rules in the order they are checked. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    private Builder() {}

    /** {@code allow CIDR} (IPv4 or IPv6) or {@code allow all}. */
    public Builder allow(String cidrOrAll) {
      rules.add(new Rule(true, parse(cidrOrAll)));
      return this;
    }

    /** {@code deny CIDR} (IPv4 or IPv6) or {@code deny all}. */
    public Builder deny(String cidrOrAll) {
      rules.add(new Rule(false, parse(cidrOrAll)));
      return this;
    }

    private static IpCidr parse(String text) {
      Objects.requireNonNull(text, "cidr");
      return text.equals("all") ? null : IpCidr.parse(text);
    }

    public AccessRules build() {
      return new AccessRules(rules);
    }
  }
}
