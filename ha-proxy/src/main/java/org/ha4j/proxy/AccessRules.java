package org.ha4j.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;

/**
 * nginx's {@code allow}/{@code deny} ({@code ngx_stream_access_module}): rules are checked in order, the first
 * that matches decides; when none matches, access is allowed. A denied session ends with status 403.
 * IPv6 clients match only {@code all}.
 */
public final class AccessRules {

    private record Rule(boolean allow, Ipv4Cidr cidr) {
    }

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

    /** Whether a client at {@code address} (null for non-IPv4) may connect. */
    public boolean allows(Ipv4Address address) {
        for (Rule rule : rules) {
            if (rule.cidr == null || (address != null && rule.cidr.contains(address))) {
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

        /** {@code allow CIDR} or {@code allow all}. */
        public Builder allow(String cidrOrAll) {
            rules.add(new Rule(true, parse(cidrOrAll)));
            return this;
        }

        /** {@code deny CIDR} or {@code deny all}. */
        public Builder deny(String cidrOrAll) {
            rules.add(new Rule(false, parse(cidrOrAll)));
            return this;
        }

        private static Ipv4Cidr parse(String text) {
            Objects.requireNonNull(text, "cidr");
            return text.equals("all") ? null : Ipv4Cidr.parse(text);
        }

        public AccessRules build() {
            return new AccessRules(rules);
        }
    }
}
