package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/** The nftables table no_accept installs: keepalived's two rules, under a name nft accepts. */
class NoAcceptFilterTest {

  @Test
  void theTableDropsTrafficToAndFromTheVipsAndReplacesAnOlderOne() {
    NoAcceptFilter filter =
        new NoAcceptFilter(
            "VI_1", List.of(Ipv4Address.parse("10.200.0.100"), Ipv4Address.parse("10.200.0.101")));

    assertThat(filter.installScript())
        .startsWith("table ip ha4j_VI_1 {}\ndelete table ip ha4j_VI_1\ntable ip ha4j_VI_1 {\n")
        .contains("elements = { 10.200.0.100, 10.200.0.101 }")
        .contains("type filter hook input priority -1; policy accept;\n    ip daddr @vips drop")
        .contains("type filter hook output priority -1; policy accept;\n    ip saddr @vips drop");
  }

  @Test
  void anInstanceNameBecomesATableNameNftTakes() {
    assertThat(NoAcceptFilter.tableName("web-vip.1 x")).isEqualTo("ha4j_web_vip_1_x");
  }
}
