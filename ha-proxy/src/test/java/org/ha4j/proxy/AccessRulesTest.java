package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.ha4j.core.net.IpAddress;
import org.ha4j.proxy.nginx.NginxStreamConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * {@code ngx_stream_access_module}'s matching: first rule wins, {@code all} covers both families.
 */
class AccessRulesTest {

  private static AccessRules fromNginx(String rules) throws Exception {
    return NginxStreamConfigLoader.load(
            "access.conf",
            "stream { server { listen 8080; proxy_pass 127.0.0.1:9; " + rules + " } }")
        .servers()
        .get(0)
        .access();
  }

  @Test
  void denyAllTurnsIpv6ClientsAway() throws Exception {
    AccessRules rules = fromNginx("allow 10.0.0.0/8; deny all;");
    assertThat(rules.allows(IpAddress.parse("::1"))).isFalse();
    assertThat(rules.allows(IpAddress.parse("fd00:200::7"))).isFalse();
    assertThat(rules.allows(IpAddress.parse("10.1.2.3"))).isTrue();
    assertThat(rules.allows(IpAddress.parse("192.168.1.1"))).isFalse();
  }

  @Test
  void ipv6RulesMatchIpv6ClientsOnly() throws Exception {
    AccessRules rules = fromNginx("allow fd00:200::/64; deny all;");
    assertThat(rules.allows(IpAddress.parse("fd00:200::7"))).isTrue();
    assertThat(rules.allows(IpAddress.parse("fd00:201::7"))).isFalse();
    assertThat(rules.allows(IpAddress.parse("10.200.0.7"))).isFalse();
    assertThat(fromNginx("deny ::/0;").allows(IpAddress.parse("127.0.0.1"))).isTrue();
    assertThat(fromNginx("deny 0.0.0.0/0;").allows(IpAddress.parse("::1"))).isTrue();
  }

  @Test
  void ipv4MappedClientsMatchAsIpv4() throws Exception {
    AccessRules rules = fromNginx("allow 10.0.0.0/8; deny all;");
    assertThat(rules.allows(IpAddress.parse("::ffff:10.9.9.9"))).isTrue();
    assertThat(rules.allows(IpAddress.parse("::ffff:192.168.0.1"))).isFalse();
    // nginx checks a mapped client against IPv4 rules only
    assertThat(fromNginx("deny ::ffff:0:0/96;").allows(IpAddress.parse("::ffff:10.9.9.9")))
        .isTrue();
  }

  @Test
  void firstMatchWinsAndNoMatchAllows() {
    AccessRules rules =
        AccessRules.builder().deny("127.0.0.2").allow("127.0.0.0/8").deny("::1").build();
    assertThat(rules.allows(IpAddress.parse("127.0.0.2"))).isFalse();
    assertThat(rules.allows(IpAddress.parse("127.0.0.1"))).isTrue();
    assertThat(rules.allows(IpAddress.parse("::1"))).isFalse();
    assertThat(rules.allows(IpAddress.parse("::2"))).isTrue();
    assertThat(AccessRules.allowAll().allows(IpAddress.parse("::1"))).isTrue();
  }
}
