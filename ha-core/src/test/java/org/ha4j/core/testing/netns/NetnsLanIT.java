package org.ha4j.core.testing.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.ha4j.core.testing.Privileges;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetnsLanIT {

  @BeforeEach
  void needsRoot() {
    Privileges.assumeRoot("network namespaces");
    Privileges.assumeCommand("ip");
    Privileges.assumeCommand("nft");
  }

  @Test
  void hostsReachEachOtherOverTheBridgeAndTeardownRemovesEverything() throws Exception {
    NetnsProcess sleeper;
    String prefix;
    try (NetnsLan lan = NetnsLan.create()) {
      prefix = lan.prefix();
      NetnsHost a = lan.addHost("a", 11);
      NetnsHost b = lan.addHost("b", 12);
      assertThat(a.addresses()).containsExactly("10.200.0.11/24");
      b.start(NetnsHost.javaCommand(TcpNameServer.class.getName(), "7000", "bee"))
          .awaitOutput(o -> o.contains("listening"), Duration.ofSeconds(20), "listening");
      assertThat(a.ask(b.address().toString(), 7000, 2000)).isEqualTo("OK bee");
      // The namespaces see only their own LAN: no default route out.
      assertThat(a.run("ip", "route")).doesNotContain("default");
      sleeper = b.start(List.of("sleep", "600"));
      assertThat(sleeper.isAlive()).isTrue();
      assertThat(NetnsLan.run(List.of("ip", "netns", "list"), null, Duration.ofSeconds(5)))
          .contains(prefix + "a", prefix + "b", prefix + "lan");
    }
    assertThat(sleeper.isAlive()).isFalse();
    assertThat(NetnsLan.run(List.of("ip", "netns", "list"), null, Duration.ofSeconds(5)))
        .doesNotContain(prefix);
  }

  @Test
  void lossInjectionDropsEverythingAt100PercentAndCanBeCleared() throws Exception {
    try (NetnsLan lan = NetnsLan.create()) {
      NetnsHost a = lan.addHost("a", 11);
      NetnsHost b = lan.addHost("b", 12);
      b.start(NetnsHost.javaCommand(TcpNameServer.class.getName(), "7000", "bee"))
          .awaitOutput(o -> o.contains("listening"), Duration.ofSeconds(20), "listening");
      b.injectLoss(100, "tcp dport 7000");
      assertThat(a.ask(b.address().toString(), 7000, 500)).startsWith("FAIL");
      b.clearLoss();
      assertThat(a.ask(b.address().toString(), 7000, 2000)).isEqualTo("OK bee");
    }
  }

  @Test
  void uniquePrefixesPerLan() throws Exception {
    try (NetnsLan one = NetnsLan.create();
        NetnsLan two = NetnsLan.create()) {
      assertThat(one.prefix()).isNotEqualTo(two.prefix()).matches("h4j[0-9a-f]{4}-");
    }
  }
}
