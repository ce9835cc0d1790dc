package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/** What the native layer can do without privileges, against the real kernel. */
class LinuxNetworkTest {

  @Test
  void loopbackHasIndexOneInEveryNamespace() throws Exception {
    assertThat(LinuxNetwork.interfaceIndex("lo")).isEqualTo(1);
  }

  @Test
  void anUnknownInterfaceIsENODEVNamingTheCall() {
    assertThatThrownBy(() -> LinuxNetwork.interfaceIndex("h4jnosuch0"))
        .isInstanceOf(NativeCallException.class)
        .hasMessageContaining("if_nametoindex(h4jnosuch0)")
        .satisfies(e -> assertThat(((NativeCallException) e).errno()).isEqualTo(Errno.ENODEV));
  }

  @Test
  void netlinkListsLoopbackAndItsAddress() throws Exception {
    try (RouteNetlink netlink = LinuxNetwork.openRouteNetlink()) {
      LinkInfo lo = netlink.link("lo").orElseThrow();
      assertThat(lo.index()).isEqualTo(1);
      List<InterfaceAddress> addresses = netlink.addresses(lo.index());
      assertThat(addresses)
          .extracting(a -> a.address().address())
          .contains(Ipv4Address.parse("127.0.0.1"));
    }
  }

  @Test
  void strerrorComesFromLibc() {
    assertThat(LibC.describe(Errno.ENODEV)).isEqualTo("No such device");
  }

  @Test
  void aClosedSocketRefusesCallsAndClosingTwiceIsHarmless() throws Exception {
    LinkMonitor monitor = LinuxNetwork.openLinkMonitor();
    monitor.close();
    monitor.close();
    assertThatThrownBy(() -> monitor.poll(1))
        .isInstanceOf(NativeCallException.class)
        .hasMessageContaining("closed");
  }
}
