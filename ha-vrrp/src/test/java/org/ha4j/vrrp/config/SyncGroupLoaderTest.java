package org.ha4j.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalInt;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigProblem;
import org.junit.jupiter.api.Test;

/**
 * {@code vrrp_sync_group} as the loader reads it; what keepalived -t says of the invalid forms is
 * in {@link KeepalivedCheckParityTest}.
 */
class SyncGroupLoaderTest {

  static final String INSTANCES =
      """
      vrrp_script chk {
          script /bin/true
      }
      vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          virtual_ipaddress {
              10.200.0.100/24
          }
      }
      vrrp_instance VI_2 {
          interface eth1
          virtual_router_id 52
          virtual_ipaddress {
              10.200.0.101/24
          }
      }
      """;

  @Test
  void readsMembersTrackersAndNotifyScripts() throws Exception {
    KeepalivedConfig config =
        KeepalivedConfigLoader.load(
            "k.conf",
            INSTANCES
                + """
                vrrp_sync_group VG_1 {
                    group {
                        VI_1
                        VI_2
                    }
                    track_script {
                        chk
                    }
                    track_interface {
                        eth2 weight -30
                    }
                    notify_master "/usr/local/bin/vg master"
                    notify_fault /usr/local/bin/vg-fault
                    notify /usr/local/bin/vg-any
                    smtp_alert
                }
                """);

    SyncGroupSpec group = config.syncGroups().get(0);
    assertThat(group.name()).isEqualTo("VG_1");
    assertThat(group.members()).containsExactly("VI_1", "VI_2");
    assertThat(group.trackScripts()).containsExactly(new TrackSpec("chk", OptionalInt.empty()));
    assertThat(group.trackInterfaces()).containsExactly(new TrackSpec("eth2", OptionalInt.of(-30)));
    assertThat(group.trackingWeight()).isFalse();
    assertThat(group.notifyScripts().notifyMaster()).contains("/usr/local/bin/vg master");
    assertThat(group.notifyScripts().notifyFault()).contains("/usr/local/bin/vg-fault");
    assertThat(group.notifyScripts().notifyGeneric()).contains("/usr/local/bin/vg-any");
    assertThat(group.notifyScripts().notifyBackup()).isEmpty();
    assertThat(config.syncGroupOf("VI_2")).contains(group);
    assertThat(config.warnings()).extracting(ConfigProblem::keyword).containsExactly("smtp_alert");
  }

  @Test
  void membersMayShareOneLineAsKeepalivedReadsAValueBlock() throws Exception {
    KeepalivedConfig config =
        KeepalivedConfigLoader.load(
            "k.conf", INSTANCES + "vrrp_sync_group VG_1 {\n  group {\n    VI_1 VI_2\n  }\n}\n");

    assertThat(config.syncGroups().get(0).members()).containsExactly("VI_1", "VI_2");
    assertThat(config.syncGroupOf("VI_3")).isEqualTo(Optional.empty());
  }

  @Test
  void everyInvalidFormIsAnErrorWithFileLineAndKeyword() {
    String text =
        INSTANCES
            + """
            vrrp_sync_group VG_1 {
                group {
                    VI_1
                }
                group {
                    VI_2
                }
                track_file {
                    f
                }
                track_interface {
                    eth2 weight
                    eth3 weight 9 reverse
                }
                notify_backup
            }
            """;

    assertThatThrownBy(() -> KeepalivedConfigLoader.load("k.conf", text))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(
                        e.problems().stream()
                            .filter(ConfigProblem::isError)
                            .map(p -> p.location().line() + " " + p.keyword())
                            .toList())
                    .containsExactly(
                        "22 group", "25 track_file", "29 eth2", "30 eth3", "32 notify_backup"));
  }

  @Test
  void anOwnerAndANonOwnerCannotShareAGroup() {
    String text =
        INSTANCES.replace("virtual_router_id 51", "virtual_router_id 51\n    priority 255")
            + "vrrp_sync_group VG_1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n";

    assertThatThrownBy(() -> KeepalivedConfigLoader.load("k.conf", text))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mixes address owners");
  }

  @Test
  void aGroupOfOneIsAWarning() throws Exception {
    KeepalivedConfig config =
        KeepalivedConfigLoader.load(
            "k.conf", INSTANCES + "vrrp_sync_group VG_1 {\n  group {\n    VI_1\n  }\n}\n");

    assertThat(config.warnings()).extracting(ConfigProblem::keyword).containsExactly("group");
    assertThat(config.syncGroups()).hasSize(1);
  }
}
