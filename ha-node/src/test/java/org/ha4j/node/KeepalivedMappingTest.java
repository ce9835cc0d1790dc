package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.config.KeepalivedConfig;
import org.ha4j.vrrp.config.KeepalivedConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keepalived.conf's instance settings reach the VRRP instance a node runs. */
class KeepalivedMappingTest {

  private static final String INSTANCE =
      """
      vrrp_instance VI_1 {
          state MASTER
          interface eth0
          virtual_router_id 51
          priority 100
          virtual_ipaddress {
              10.200.0.100/24
          }
          virtual_ipaddress_excluded {
              10.200.0.200/24
              10.200.0.201 %s
          }
      }
      """;

  @Test
  void excludedAddressesReachTheInstanceApartFromTheAdvertisedOnes() throws Exception {
    KeepalivedConfig config = KeepalivedConfigLoader.load("k.conf", INSTANCE.formatted(""));

    VrrpInstance instance = build(config);

    assertThat(instance.toString())
        .contains("vips [10.200.0.100/24]")
        .contains("excluded [10.200.0.200/24, 10.200.0.201/32]");
  }

  @Test
  void checkShowsTheExcludedAddressesApartFromTheVips(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("keepalived.conf"), INSTANCE.formatted(""));

    CheckReport report = HaNode.check(List.of(conf), List.of());

    assertThat(report.passed()).as("%s", report.lines()).isTrue();
    assertThat(report.lines())
        .contains(
            "    VIPs: 10.200.0.100/24",
            "    excluded from adverts: 10.200.0.200/24, 10.200.0.201/32");
  }

  @Test
  void anExcludedAddressOnAnotherDeviceIsRefusedAsAVipOnOneIs() throws Exception {
    KeepalivedConfig config = KeepalivedConfigLoader.load("k.conf", INSTANCE.formatted("dev eth1"));
    List<ConfigProblem> problems = new ArrayList<>();

    KeepalivedMapping.validateInstances(config, NodeOptions.defaults(line -> {}), problems);

    assertThat(problems)
        .extracting(Object::toString)
        .containsExactly(
            "k.conf:1: error: 'virtual_ipaddress_excluded' excluded address 10.200.0.201/32 dev"
                + " eth1: ha4j puts the VIPs on the instance's interface (eth0) only");
  }

  private static final String V3 =
      """
      global_defs {
          vrrp_version 3
      }
      vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          advert_int 0.1
          virtual_ipaddress {
              10.200.0.100/24
          }
          %s
      }
      """;

  @Test
  void vrrpVersion3AndItsIntervalReachTheInstance() throws Exception {
    KeepalivedConfig config = KeepalivedConfigLoader.load("k.conf", V3.formatted(""));

    VrrpInstance instance = build(config);

    assertThat(instance.toString()).contains(", version 3, advert_int 0.1 s");
  }

  @Test
  void checkShowsTheVersionAndTheFractionalInterval(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("keepalived.conf"), V3.formatted(""));

    CheckReport report = HaNode.check(List.of(conf), List.of());

    assertThat(report.passed()).as("%s", report.lines()).isTrue();
    assertThat(report.lines()).anySatisfy(l -> assertThat(l).contains("VRRPv3, advert_int 0.1s"));
  }

  @Test
  void checkTakesSeveralUnicastPeersUnderVrrpv3EachSentItsOwnChecksum() throws Exception {
    KeepalivedConfig config =
        KeepalivedConfigLoader.load(
            "k.conf", V3.formatted("unicast_peer {\n10.200.0.12\n10.200.0.13\n}"));
    List<ConfigProblem> problems = new ArrayList<>();

    KeepalivedMapping.validateInstances(config, NodeOptions.defaults(line -> {}), problems);

    assertThat(problems).isEmpty();
    assertThat(config.instances().get(0).unicastPeers()).hasSize(2);
  }

  /** The first instance as a node builds it (not started). */
  private static VrrpInstance build(KeepalivedConfig config) {
    return KeepalivedMapping.instanceBuilder(
            config.instances().get(0),
            config,
            NodeOptions.defaults(line -> {}),
            HealthSignal.up("proxy"),
            script -> HealthSignal.up(script.name()),
            Map.of())
        .build();
  }
}
