package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@link VrrpInstance#reconfigure} refuses (restart needed) and how it words a change. */
class InstanceReloadTest {

  static VrrpInstance.Builder base() {
    return VrrpInstance.builder()
        .name("VI_1")
        .interfaceName("eth0")
        .virtualRouterId(51)
        .priority(100)
        .virtualAddress("10.200.0.101")
        .virtualAddress("10.200.0.102");
  }

  static final VrrpSyncGroup GROUP = VrrpSyncGroup.create("G1", NotifyScripts.none());
  static final VrrpSyncGroup OTHER_GROUP = VrrpSyncGroup.create("G2", NotifyScripts.none());

  static UnaryOperator<VrrpInstance.Builder> change(String field) {
    return switch (field) {
      case "name" -> b -> b.name("VI_2");
      case "interface" -> b -> b.interfaceName("eth1");
      case "virtual router id" -> b -> b.virtualRouterId(52);
      case "VRRP version" -> b -> b.version(VrrpWireFormat.VERSION_3);
      case "address owner (priority 255)" -> b -> b.priority(255);
      case "sync group" -> b -> b.syncGroup(GROUP);
      default -> throw new IllegalArgumentException(field);
    };
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "name",
    "interface",
    "virtual router id",
    "VRRP version",
    "address owner (priority 255)",
    "sync group"
  })
  void anIdentityChangeNamesTheFieldAndAsksForARestart(String field) {
    VrrpInstance running = base().build();
    VrrpInstance replacement = change(field).apply(base()).build();

    assertThatThrownBy(() -> running.reconfigure(replacement))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field + " changes from")
        .hasMessageContaining("must be restarted");
  }

  @Test
  void anotherSyncGroupOfTheSameNameIsTheSameMembership() {
    InstanceSettings was = settings(base().syncGroup(GROUP));
    InstanceReload.requireSameIdentity(
        was, settings(base().syncGroup(VrrpSyncGroup.create("G1", NotifyScripts.none()))));
    assertThatThrownBy(
            () -> InstanceReload.requireSameIdentity(was, settings(base().syncGroup(OTHER_GROUP))))
        .hasMessageContaining("sync group changes from G1 to G2");
  }

  @Test
  void aStoppedOrNeverStartedInstanceCannotBeReconfigured() {
    VrrpInstance idle = base().build();
    assertThatThrownBy(() -> idle.reconfigure(base().priority(110).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not running");
    assertThatThrownBy(() -> idle.reconfigure(idle))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("new instance");
  }

  @Test
  void theLogLineNamesEachChangeAndNothingElse() {
    InstanceSettings was = settings(base().track(HealthSignal.up("check"), 0));
    InstanceSettings now =
        settings(
            base()
                .priority(110)
                .advertIntervalSeconds(2)
                .preempt(false)
                .track(HealthSignal.up("check"), -20)
                .authPassword("secret")
                .garpMasterRepeat(2)
                .virtualAddress("10.200.0.103"));

    String changes = InstanceReload.describeChanges(was, now);

    assertThat(changes)
        .contains("priority 100 -> 110")
        .contains("advert_int PT1S -> PT2S")
        .contains("preempt true -> false")
        .contains("VIPs +[10.200.0.103/32] -[]")
        .contains("track {check weight 0} -> {check weight -20}")
        .contains("authentication")
        .contains("garp_master_repeat 5 -> 2")
        .doesNotContain("secret")
        .doesNotContain("preempt_delay");
    // a reload builds new health sources: the same name and weight is no change
    assertThat(
            InstanceReload.describeChanges(
                was, settings(base().track(HealthSignal.up("check"), 0))))
        .isEqualTo("nothing changed");
    assertThat(
            InstanceReload.describeChanges(
                was,
                settings(
                    base().track(HealthSignal.up("check"), 0).preemptDelay(Duration.ofSeconds(3)))))
        .isEqualTo("preempt_delay PT0S -> PT3S");
  }

  static VrrpInstance.Builder ipv6() {
    return VrrpInstance.builder()
        .name("VI_1")
        .interfaceName("eth0")
        .virtualRouterId(51)
        .priority(100)
        .virtualAddress("fd00:200::100/64");
  }

  @Test
  void anInstanceOfTheOtherAddressFamilyNeedsARestart() {
    VrrpInstance.Builder ipv4v3 = base().version(VrrpWireFormat.VERSION_3);

    assertThatThrownBy(() -> ipv4v3.build().reconfigure(ipv6().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("address family changes from IPv4 to IPv6")
        .hasMessageContaining("must be restarted");
    assertThatThrownBy(() -> ipv6().build().reconfigure(ipv4v3.build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("address family changes from IPv6 to IPv4");
  }

  /**
   * An IPv6 instance's core runs on stand-ins numbered by position and its sockets are bound to the
   * source and peers: a change to any of its addresses is a restart.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "IPv6 virtual_ipaddress, vip",
    "IPv6 virtual_ipaddress_excluded, excluded",
    "IPv6 unicast_src_ip, source",
    "IPv6 unicast_peer, peer"
  })
  void anIpv6AddressChangeNamesTheFieldAndAsksForARestart(String field, String change) {
    UnaryOperator<VrrpInstance.Builder> unicast =
        b -> b.unicastPeer(IpAddress.parse("fd00:200::11"));
    VrrpInstance running = unicast.apply(ipv6()).build();
    VrrpInstance.Builder next = unicast.apply(ipv6());
    switch (change) {
      case "vip" -> next.virtualAddress("fd00:200::101/64");
      case "excluded" -> next.ipv6ExcludedAddress(IpCidr.parse("fd00:200::102/64"));
      case "source" -> next.unicastSource(IpAddress.parse("fd00:200::10"));
      default -> next.unicastPeer(IpAddress.parse("fd00:200::12"));
    }

    assertThatThrownBy(() -> running.reconfigure(next.build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field + " changes from")
        .hasMessageContaining("must be restarted");
  }

  @Test
  void anIpv6InstanceAdoptsItsTimersPriorityPreemptAndTracksLive() {
    InstanceSettings was = settings(ipv6().track(HealthSignal.up("check"), 0));
    InstanceSettings now =
        settings(
            ipv6()
                .priority(110)
                .advertInterval(Duration.ofMillis(200))
                .preempt(false)
                .track(HealthSignal.up("check"), -20)
                .garpMasterRepeat(2));

    InstanceReload.requireSameIdentity(was, now);

    assertThat(InstanceReload.describeChanges(was, now))
        .isEqualTo(
            "priority 100 -> 110, advert_int PT1S -> PT0.2S, preempt true -> false,"
                + " track {check weight 0} -> {check weight -20}, garp_master_repeat 5 -> 2");
  }

  private static InstanceSettings settings(VrrpInstance.Builder builder) {
    return InstanceReload.settingsOf(builder.build());
  }
}
