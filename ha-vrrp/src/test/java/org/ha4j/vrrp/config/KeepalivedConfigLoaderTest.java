package org.ha4j.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.junit.jupiter.api.Test;

class KeepalivedConfigLoaderTest {

  private static final Path REFERENCE = Path.of("..", "reference-deployment");

  @Test
  void loadsTheReferenceDeploymentsLb1FileAsItIs() throws Exception {
    KeepalivedConfig config = KeepalivedConfigLoader.load(REFERENCE.resolve("lb1/keepalived.conf"));

    assertThat(config.warnings()).isEmpty();
    VrrpScriptSpec script = config.scripts().get("check_nginx");
    assertThat(script.command()).isEqualTo("/etc/nginx/check_nginx.sh");
    assertThat(script.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(script.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(script.weight()).isZero();
    assertThat(script.rise()).isEqualTo(1);
    assertThat(script.fall()).isEqualTo(1);

    VrrpInstanceSpec instance = config.instances().get(0);
    assertThat(instance.name()).isEqualTo("VI_1");
    assertThat(instance.initialStateMaster()).isTrue();
    assertThat(instance.interfaceName()).isEqualTo("ens3");
    assertThat(instance.virtualRouterId()).isEqualTo(51);
    assertThat(instance.priority()).isEqualTo(100);
    assertThat(instance.version()).isEqualTo(2);
    assertThat(instance.advertInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(instance.acceptMode()).isTrue();
    assertThat(instance.authentication()).isEqualTo(VrrpAuthentication.password("1111"));
    assertThat(instance.virtualAddresses())
        .extracting(VirtualAddressSpec::address)
        .containsExactly(IpCidr.parse("192.168.122.100/32"));
    assertThat(instance.trackScripts())
        .containsExactly(new TrackSpec("check_nginx", OptionalInt.empty()));
    assertThat(instance.preempt()).isTrue();
    assertThat(instance.garp()).isEqualTo(VrrpInstanceSpec.GarpSpec.KEEPALIVED_DEFAULTS);
  }

  @Test
  void loadsLb2AsBackupWithPriority90() throws Exception {
    VrrpInstanceSpec instance =
        KeepalivedConfigLoader.load(REFERENCE.resolve("lb2/keepalived.conf")).instances().get(0);
    assertThat(instance.initialStateMaster()).isFalse();
    assertThat(instance.priority()).isEqualTo(90);
  }

  @Test
  void theShippedCopiesAreTheSeedsOwnFiles() throws Exception {
    Path shared = Path.of("..", "..", "shared", "seed");
    if (!Files.isDirectory(shared)) {
      return; // only a checkout beside shared/ can compare; the copies are what every test reads
    }
    for (String file :
        List.of("lb1/keepalived.conf", "lb2/keepalived.conf", "nginx.conf", "check_nginx.sh")) {
      assertThat(Files.readString(REFERENCE.resolve(file)))
          .as(file)
          .isEqualTo(Files.readString(shared.resolve(file)));
    }
  }

  @Test
  void readsEveryImplementedKeyword() throws Exception {
    KeepalivedConfig config =
        KeepalivedConfigLoader.load(
            "full.conf",
            """
                global_defs {
                   router_id LB_A
                   notification_email { ops@example.org }
                   vrrp_garp_master_repeat 3
                }
                vrrp_script chk {
                   script "/usr/local/bin/check --fast"
                   interval 2
                   timeout 0.5
                   weight -20
                   rise 2
                   fall 3
                }
                vrrp_instance VI_9 {
                   state BACKUP
                   interface eth1
                   virtual_router_id 9
                   priority 150
                   advert_int 2
                   nopreempt
                   preempt_delay 5
                   unicast_src_ip 10.200.0.10
                   unicast_peer {
                      10.200.0.11
                      10.200.0.12
                   }
                   virtual_ipaddress {
                      10.200.0.100/24 dev eth1 label eth1:vip
                      10.200.0.101
                   }
                   track_script {
                      chk weight -30
                   }
                   track_interface {
                      eth2
                   }
                   notify_master "/etc/ha/master.sh up"
                   notify /etc/ha/notify.sh
                   garp_master_delay 1
                   garp_master_refresh 60
                }
                """);
    assertThat(config.routerId()).contains("LB_A");
    assertThat(config.warnings())
        .extracting(ConfigProblem::keyword)
        .containsExactly("notification_email");
    VrrpScriptSpec chk = config.scripts().get("chk");
    assertThat(chk.command()).isEqualTo("/usr/local/bin/check --fast");
    assertThat(chk.timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(chk.weight()).isEqualTo(-20);
    VrrpInstanceSpec vi = config.instances().get(0);
    assertThat(vi.preempt()).isFalse();
    assertThat(vi.preemptDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(vi.unicastSource()).contains(IpAddress.parse("10.200.0.10"));
    assertThat(vi.unicastPeers()).hasSize(2);
    assertThat(vi.virtualAddresses().get(0).device()).contains("eth1");
    assertThat(vi.virtualAddresses().get(0).label()).contains("eth1:vip");
    assertThat(vi.trackScripts()).containsExactly(new TrackSpec("chk", OptionalInt.of(-30)));
    assertThat(vi.trackInterfaces()).containsExactly(new TrackSpec("eth2", OptionalInt.empty()));
    assertThat(vi.notifyScripts().notifyMaster()).contains("/etc/ha/master.sh up");
    assertThat(vi.notifyScripts().notifyGeneric()).contains("/etc/ha/notify.sh");
    assertThat(vi.garp())
        .isEqualTo(
            new VrrpInstanceSpec.GarpSpec(Duration.ofSeconds(1), 3, Duration.ofSeconds(60), 1));
  }

  @Test
  void everyErrorIsReportedWithFileLineAndKeyword() {
    assertThatThrownBy(
            () ->
                KeepalivedConfigLoader.load(
                    "bad.conf",
                    """
                vrrp_strict
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 300
                    priority high
                    advert_intt 1
                    authentication {
                        auth_type AH
                        auth_pass secret
                    }
                    virtual_ipaddress {
                        10.0.0.300
                    }
                    track_script {
                        missing_script
                    }
                }
                """))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ConfigProblem::toString)
                    .contains(
                        "bad.conf:1: error: 'vrrp_strict' strict mode is not supported: it makes the VIP "
                            + "drop all traffic that is not VRRP (users comment it out for that reason); remove it",
                        "bad.conf:4: error: 'virtual_router_id' expected a whole number 1-255, got '300'",
                        "bad.conf:5: error: 'priority' expected a whole number 1-255, got 'high'",
                        "bad.conf:6: error: 'advert_intt' unknown or unsupported keyword in vrrp_instance",
                        "bad.conf:12: error: '10.0.0.300' not an IPv4 address: not an IPv4 address "
                            + "(expected a.b.c.d): '10.0.0.300'",
                        "bad.conf:2: error: 'vrrp_instance' track_script missing_script names no vrrp_script")
                    .anyMatch(
                        p ->
                            p.startsWith(
                                "bad.conf:7: error: 'authentication' auth_type AH is not supported")));
  }

  @Test
  void digitsOfOtherScriptsAreNoNumbers() {
    // Java's Integer.parseInt reads Arabic-Indic digits; keepalived's strtol does not, and nor may
    // ha4j
    assertThatThrownBy(
            () ->
                KeepalivedConfigLoader.load(
                    "digits.conf",
                    """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id \u0665\u0661
                    priority \u0661\u0660\u0660
                    virtual_ipaddress {
                        10.0.0.100
                    }
                }
                """))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ConfigProblem::toString)
                    .anyMatch(
                        p ->
                            p.startsWith(
                                "digits.conf:3: error: 'virtual_router_id' expected a whole number"))
                    .anyMatch(
                        p ->
                            p.startsWith(
                                "digits.conf:4: error: 'priority' expected a whole number")));
  }

  @Test
  void anOwnerCannotHaveAWeightedTrackScript() {
    assertThatThrownBy(
            () ->
                KeepalivedConfigLoader.load(
                    "owner.conf",
                    """
                vrrp_script chk {
                    script /bin/true
                    weight 10
                }
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 1
                    virtual_ipaddress {
                        10.0.0.1
                    }
                    track_script {
                        chk
                    }
                }
                """))
        .hasMessageContaining("an address owner's priority (255) never changes");
  }

  @Test
  void warnsWhereKeepalivedWouldRoundOrIgnore() throws Exception {
    KeepalivedConfig config =
        KeepalivedConfigLoader.load(
            "w.conf",
            """
                vrrp_instance VI_1 {
                    state MASTER
                    priority 100
                    nopreempt
                    interface eth0
                    virtual_router_id 1
                    advert_int 1.4
                    authentication {
                        auth_type PASS
                        auth_pass 0123456789
                    }
                    virtual_ipaddress {
                        10.0.0.1
                    }
                }
                """);
    assertThat(config.warnings())
        .extracting(ConfigProblem::keyword)
        .containsExactlyInAnyOrder("nopreempt", "advert_int", "auth_pass");
    VrrpInstanceSpec vi = config.instances().get(0);
    assertThat(vi.preempt()).isTrue();
    assertThat(vi.advertInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(vi.authentication()).isEqualTo(VrrpAuthentication.password("01234567"));
  }

  private static VrrpInstanceSpec only(String text) throws ConfigException {
    return KeepalivedConfigLoader.load("v3.conf", text).instances().get(0);
  }

  private static String instance(String globalDefs, String body) {
    return globalDefs
        + """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                virtual_ipaddress {
                    10.200.0.100/24
                }
            """
        + body
        + "}\n";
  }

  @Test
  void vrrpVersion3InGlobalDefsCarriesHundredthsOfASecond() throws Exception {
    VrrpInstanceSpec vi =
        only(instance("global_defs {\n  vrrp_version 3\n}\n", "    advert_int 0.1\n"));
    assertThat(vi.version()).isEqualTo(3);
    assertThat(vi.advertInterval()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void theInstancesVersionOverridesTheGlobalOneInEitherDirection() throws Exception {
    assertThat(only(instance("global_defs {\n  vrrp_version 3\n}\n", "    version 2\n")).version())
        .isEqualTo(2);
    VrrpInstanceSpec v3 =
        only(instance("global_defs {\n  vrrp_version 2\n}\n", "version 3\nadvert_int 0.02\n"));
    assertThat(v3.version()).isEqualTo(3);
    assertThat(v3.advertInterval()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void theVersionMayFollowTheIntervalInTheBlock() throws Exception {
    // keepalived fits advert_int to the version once the instance is complete
    assertThat(only(instance("", "advert_int 0.05\nversion 3\n")).advertInterval())
        .isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void aVrrpv3IntervalIsRoundedHalfUpToHundredthsWithAWarning() throws Exception {
    KeepalivedConfig config =
        KeepalivedConfigLoader.load("v3.conf", instance("", "version 3\nadvert_int 0.125\n"));
    assertThat(config.instances().get(0).advertInterval()).isEqualTo(Duration.ofMillis(130));
    assertThat(config.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.keyword()).isEqualTo("advert_int");
              assertThat(w.message()).contains("0.125 is rounded to 0.13");
            });
  }

  @Test
  void aSubSecondIntervalUnderVrrpv2SaysVersion3IsNeeded() {
    assertThatThrownBy(() -> only(instance("", "advert_int 0.1\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("v3.conf:7")
        .hasMessageContaining("advert_int")
        .hasMessageContaining("vrrp_version 3");
  }

  @Test
  void vrrpv3DropsAuthenticationWithAWarningAsKeepalivedDoes() throws Exception {
    KeepalivedConfig config =
        KeepalivedConfigLoader.load(
            "v3.conf",
            instance("", "version 3\nauthentication {\nauth_type PASS\nauth_pass 1111\n}\n"));
    assertThat(config.instances().get(0).authentication()).isEqualTo(VrrpAuthentication.none());
    assertThat(config.warnings())
        .extracting(ConfigProblem::keyword)
        .containsExactly("authentication");
  }

  @Test
  void acceptAndNoAcceptSetAcceptMode() throws Exception {
    assertThat(only(instance("", "accept\n")).acceptMode()).isTrue();
    KeepalivedConfig config = KeepalivedConfigLoader.load("v3.conf", instance("", "no_accept\n"));
    assertThat(config.instances().get(0).acceptMode()).isFalse();
    assertThat(config.warnings())
        .singleElement()
        .satisfies(w -> assertThat(w.message()).contains("dropped by an nftables table"));
  }

  @Test
  void anIpv6InstanceIsVrrpv3WithIpv6VipsAndPeers() throws Exception {
    String text =
        """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                version 2
                unicast_src_ip fd00:200::11
                virtual_ipaddress {
                    fd00:200::100/64 dev eth0
                    fd00:200::101
                }
                unicast_peer {
                    fd00:200::12
                }
            }
            """;
    KeepalivedConfig config = KeepalivedConfigLoader.load("v6.conf", text);
    VrrpInstanceSpec vi = config.instances().get(0);
    assertThat(vi.version()).isEqualTo(3);
    assertThat(vi.virtualAddresses())
        .extracting(VirtualAddressSpec::address)
        .containsExactly(IpCidr.parse("fd00:200::100/64"), IpCidr.parse("fd00:200::101/128"));
    assertThat(vi.unicastSource()).contains(IpAddress.parse("fd00:200::11"));
    assertThat(vi.unicastPeers()).containsExactly(IpAddress.parse("fd00:200::12"));
    assertThat(config.warnings())
        .extracting(p -> p.location().line() + " " + p.message())
        .anySatisfy(m -> assertThat(m).startsWith("4 VRRP version 2 has no IPv6"));
  }

  @Test
  void aSecondFamilyInOneInstanceIsNamedAsKeepalivedNamesIt() {
    String text =
        """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                unicast_src_ip 10.200.0.11
                virtual_ipaddress {
                    fd00:200::100/64
                }
                unicast_peer {
                    fd00:200::12
                }
            }
            """;
    assertThatThrownBy(() -> KeepalivedConfigLoader.load("v6.conf", text))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .filteredOn(ConfigProblem::isError)
                    .extracting(p -> p.location().line() + " " + p.message())
                    .anySatisfy(
                        m -> assertThat(m).startsWith("6 address family must match VRRP instance"))
                    .anySatisfy(m -> assertThat(m).contains("9 the VRRP instance and unicast")));
  }
}
