package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.junit.jupiter.api.Test;

class VrrpInstanceBuilderTest {

  @Test
  void interfaceAndVridAreRequired() {
    assertThatThrownBy(() -> VrrpInstance.builder().virtualRouterId(51).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interface");
    assertThatThrownBy(() -> VrrpInstance.builder().interfaceName("eth0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("virtualRouterId");
  }

  @Test
  void rangesAreCheckedAtBuildTime() {
    assertThatThrownBy(() -> VrrpInstance.builder().priority(256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1-255");
    assertThatThrownBy(() -> VrrpInstance.builder().interfaceName("a-name-longer-than-15"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                VrrpInstance.builder()
                    .interfaceName("eth0")
                    .virtualRouterId(51)
                    .unicastSource(Ipv4Address.parse("10.200.0.11"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unicastPeer");
    assertThatThrownBy(
            () ->
                VrrpInstance.builder()
                    .interfaceName("eth0")
                    .virtualRouterId(51)
                    .track(HealthSignal.up("x"), 254))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUnstartedInstanceReportsInitializeWithItsDefaults() {
    VrrpInstance instance =
        VrrpInstance.builder()
            .interfaceName("eth0")
            .virtualRouterId(51)
            .virtualAddress("10.200.0.100/24")
            .build();
    assertThat(instance.name()).isEqualTo("VI_51");
    VrrpInstanceSnapshot snapshot = instance.snapshot();
    assertThat(snapshot.state()).isEqualTo(VrrpState.INITIALIZE);
    assertThat(snapshot.basePriority()).isEqualTo(100);
    assertThat(snapshot.droppedTotal()).isZero();
    instance.stop(); // before start: does nothing
  }

  @Test
  void anInstanceKeepsTheSettingsItWasBuiltWithWhenTheBuilderChangesLater() {
    VrrpInstance.Builder builder =
        VrrpInstance.builder()
            .interfaceName("eth0")
            .virtualRouterId(51)
            .priority(100)
            .virtualAddress("10.200.0.100/24");
    VrrpInstance first = builder.build();
    VrrpInstance second =
        builder.virtualRouterId(52).priority(200).virtualAddress("10.200.0.101/24").build();

    Ipv4Address source = Ipv4Address.parse("10.200.0.10");
    VrrpRouterConfig firstConfig = ((DefaultVrrpInstance) first).protocolConfig(source);
    assertThat(first.name()).isEqualTo("VI_51");
    assertThat(firstConfig.virtualRouterId()).isEqualTo(51);
    assertThat(firstConfig.priority()).isEqualTo(100);
    assertThat(firstConfig.virtualAddresses()).hasSize(1);
    assertThat(firstConfig.primaryAddress()).isEqualTo(source);
    assertThat(second.name()).isEqualTo("VI_52");
    assertThat(((DefaultVrrpInstance) second).protocolConfig(source).priority()).isEqualTo(200);
  }

  @Test
  void trackedInterfacesAndSyncGroupsAreCheckedAtOnce() {
    assertThatThrownBy(() -> VrrpInstance.builder().trackInterface("eth1", 254))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-253..253");
    assertThatThrownBy(
            () -> VrrpInstance.builder().trackInterface("eth1", -20).trackInterface("eth1", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eth1 is tracked twice");
    VrrpSyncGroup group = VrrpSyncGroup.create("VG_1", NotifyScripts.none());
    VrrpSyncGroup other = VrrpSyncGroup.create("VG_2", NotifyScripts.none());
    assertThatThrownBy(() -> VrrpInstance.builder().syncGroup(group).syncGroup(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most one sync group; already in VG_1");
    assertThatThrownBy(() -> VrrpSyncGroup.create(" ", NotifyScripts.none()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(group.state()).isEqualTo(VrrpState.INITIALIZE);
  }

  @Test
  void theVersionAndAFractionalIntervalAreValidatedAgainstEachOther() {
    VrrpInstance.Builder v3 =
        VrrpInstance.builder()
            .interfaceName("eth0")
            .virtualRouterId(51)
            .version(3)
            .advertInterval(Duration.ofMillis(20))
            .acceptMode(false);
    VrrpRouterConfig config =
        ((DefaultVrrpInstance) v3.build()).protocolConfig(Ipv4Address.parse("10.200.0.10"));
    assertThat(config.version()).isEqualTo(3);
    assertThat(config.advertInterval()).isEqualTo(Duration.ofMillis(20));
    assertThat(config.acceptMode()).isFalse();
    assertThat(config.advertisement(100).advertIntervalCentis()).isEqualTo(2);

    assertThatThrownBy(() -> v3.advertInterval(Duration.ofMillis(5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.01-40.95 s");
    assertThatThrownBy(() -> v3.advertInterval(Duration.ofMillis(40_960)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.01-40.95 s");
    assertThatThrownBy(() -> v3.advertInterval(Duration.ofMillis(20)).version(2).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole seconds 1-255 under VRRPv2");
    assertThatThrownBy(() -> VrrpInstance.builder().version(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 or 3");
  }

  @Test
  void vrrpv3TakesSeveralUnicastPeers() {
    VrrpInstance.Builder builder =
        VrrpInstance.builder()
            .interfaceName("eth0")
            .virtualRouterId(51)
            .version(3)
            .unicastPeer(Ipv4Address.parse("10.200.0.11"))
            .unicastPeer(Ipv4Address.parse("10.200.0.12"));
    assertThat(builder.build()).isNotNull();
  }

  @Test
  void anIpv6InstanceIsVrrpv3OfOneFamily() {
    assertThat(
            VrrpInstance.builder()
                .interfaceName("eth0")
                .virtualRouterId(51)
                .virtualAddress("fd00:200::100/64")
                .build()
                .toString())
        .contains("version 3")
        .contains("IPv6 vips [fd00:200::100/64]");
    assertThatThrownBy(
            () ->
                VrrpInstance.builder()
                    .interfaceName("eth0")
                    .virtualRouterId(51)
                    .version(2)
                    .virtualAddress("fd00:200::100")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IPv6 needs VRRP version 3");
    assertThatThrownBy(
            () ->
                VrrpInstance.builder()
                    .interfaceName("eth0")
                    .virtualRouterId(51)
                    .virtualAddress("fd00:200::100")
                    .virtualAddress("10.200.0.100")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all IPv4 or all IPv6");
    assertThatThrownBy(
            () ->
                VrrpInstance.builder()
                    .interfaceName("eth0")
                    .virtualRouterId(51)
                    .virtualAddress("fd00:200::100")
                    .unicastPeer(org.ha4j.core.net.IpAddress.parse("10.200.0.11"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all IPv4 or all IPv6");
  }
}
