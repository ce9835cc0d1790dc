package org.ha4j.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigProblem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code keepalived -t} (2.2.7) says of a one-instance file, next to what ha4j's loader says.
 * The keepalived column is what {@code keepalived -t -l -n -f FILE} prints and exits with on a host
 * where eth0 exists ({@code KeepalivedCheckParityIT} runs it for every row). ha4j refuses at least
 * what keepalived refuses (an {@code error} at the same line), except where a row says why not.
 */
class KeepalivedCheckParityTest {

  /** The instance, with one placeholder per line that a row changes. */
  static String file(
      String vrid, String priority, String advertInt, String authPass, String vip, String extra) {
    return """
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id %s
                    priority %s
                    advert_int %s
                    authentication {
                        auth_type PASS
                        auth_pass %s
                    }
                    virtual_ipaddress {
                        %s
                    }
                    %s
                }
                """
        .formatted(vrid, priority, advertInt, authPass, vip, extra);
  }

  static String with(String key, String value) {
    return file(
        key.equals("vrid") ? value : "51",
        key.equals("priority") ? value : "100",
        key.equals("advert_int") ? value : "1",
        key.equals("auth_pass") ? value : "1111",
        key.equals("vip") ? value : "10.200.0.100/24",
        key.equals("extra") ? value : "");
  }

  /**
   * A VRRPv3 instance without authentication (which VRRPv3 does not have): {@code global_defs {
   * vrrp_version GLOBAL }} on lines 1-3, advert_int on line 9, the VIP on line 11, {@code extra} on
   * line 13.
   */
  static String v3(String globalVersion, String advertInt, String vip, String extra) {
    return """
                global_defs {
                    vrrp_version %s
                }
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    advert_int %s
                    virtual_ipaddress {
                        %s
                    }
                    %s
                }
                """
        .formatted(globalVersion, advertInt, vip, extra);
  }

  static String v3(String advertInt) {
    return v3("3", advertInt, "10.200.0.100/24", "");
  }

  private static final String SECOND_INSTANCE =
      """
            vrrp_instance %s {
                interface eth0
                virtual_router_id %s
                priority 90
                virtual_ipaddress {
                    10.200.0.101/24
                }
            }
            """;

  /** VI_1 (lines 1-15) and VI_2 (16-23), then {@code groups} from line 24. */
  static String twoInstancesAnd(String vi1Extra, String groups) {
    return with("extra", vi1Extra) + SECOND_INSTANCE.formatted("VI_2", "52") + groups;
  }

  /** A sync group block, one line per member; its first line is the file's line 24. */
  static String syncGroup(String name, String... members) {
    return "vrrp_sync_group "
        + name
        + " {\n    group {\n"
        + String.join("", java.util.Arrays.stream(members).map(m -> "        " + m + "\n").toList())
        + "    }\n}\n";
  }

  static String trackInterface(String... lines) {
    return "track_interface {\n"
        + String.join("", java.util.Arrays.stream(lines).map(l -> "        " + l + "\n").toList())
        + "    }";
  }

  /**
   * name, file, keepalived -t's verdict (exit status: message), ha4j's error as "line keyword" or
   * "ok".
   */
  static Stream<Arguments> table() {
    return Stream.concat(vrrpv2Rows(), versionRows());
  }

  private static Stream<Arguments> vrrpv2Rows() {
    return Stream.of(
        Arguments.of("the reference instance", with("", ""), "0", "ok"),
        Arguments.of(
            "virtual_router_id 0",
            with("vrid", "0"),
            "5: VRID '0' not valid - must be between 1 & 255",
            "4 virtual_router_id"),
        Arguments.of(
            "virtual_router_id 256",
            with("vrid", "256"),
            "5: VRID '256' not valid",
            "4 virtual_router_id"),
        Arguments.of(
            "priority 0",
            with("priority", "0"),
            "5: Priority not valid! must be between 1 & 255",
            "5 priority"),
        Arguments.of(
            "priority 256",
            with("priority", "256"),
            "5: Priority not valid! must be between 1 & 255",
            "5 priority"),
        Arguments.of("priority 255, the address owner", with("priority", "255"), "0", "ok"),
        Arguments.of(
            "advert_int 0",
            with("advert_int", "0"),
            "5: Advert interval (0) not valid! Must be > 0",
            "6 advert_int"),
        Arguments.of(
            "advert_int 256",
            with("advert_int", "256"),
            "5: Advert interval (256) not valid",
            "6 advert_int"),
        // keepalived -t exits 5 but keepalived runs it, with the first 8 characters, and so does
        // ha4j:
        // peers truncating the same way still agree, so refusing it would break working pairs.
        Arguments.of(
            "auth_pass longer than 8",
            with("auth_pass", "123456789"),
            "5: Truncating auth_pass to 8 characters",
            "ok"),
        Arguments.of("a VIP without a mask (/32)", with("vip", "10.200.0.100"), "0", "ok"),
        Arguments.of(
            "a VIP with mask /33",
            with("vip", "10.200.0.100/33"),
            // keepalived runs it as a /32; a mask that cannot be is a typo, and ha4j says so
            "5: Invalid address prefix len 33 for address 10.200.0.100/33",
            "12 10.200.0.100/33"),
        Arguments.of(
            "a VIP that is no address",
            with("vip", "10.200.0.300"),
            "5: VRRP parsed invalid IP 10.200.0.300",
            "12 10.200.0.300"),
        Arguments.of(
            "track_script naming no vrrp_script",
            with("extra", "track_script {\n        nosuch\n    }"),
            "5: track script nosuch not found",
            "1 vrrp_instance"),
        Arguments.of(
            "a notify line with an unterminated quote",
            with("extra", "notify_master \"/bin/echo 'a b\""),
            "5: missing terminating '",
            "14 notify_master"),
        // keepalived -t checks neither existence nor the execute bit of notify scripts; nor does
        // ha4j,
        // whose notify runner logs a failed run by name.
        Arguments.of(
            "a notify script that does not exist",
            with("extra", "notify_master /nonexistent/x.sh"),
            "0",
            "ok"),
        Arguments.of(
            "two instances with one name",
            with("", "") + SECOND_INSTANCE.formatted("VI_1", "52"),
            "5: vrrp instance VI_1 already defined",
            "16 vrrp_instance"),
        Arguments.of(
            "two instances with one VRID on one interface",
            with("", "") + SECOND_INSTANCE.formatted("VI_2", "51"),
            "5: VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0",
            "16 vrrp_instance"),
        Arguments.of(
            "a sync group of two instances",
            twoInstancesAnd("", syncGroup("VG_1", "VI_1", "VI_2")),
            "0",
            "ok"),
        Arguments.of(
            "a sync group naming an instance that does not exist",
            twoInstancesAnd("", syncGroup("VG_1", "VI_1", "VI_3")),
            "5: Virtual router VI_3 specified in sync group VG_1 doesn't exist",
            "27 VI_3"),
        // keepalived -t flags it but runs it as a lone instance, and so does ha4j, with a warning
        Arguments.of(
            "a sync group of one instance",
            twoInstancesAnd("", syncGroup("VG_1", "VI_1")),
            "5: Sync group VG_1 has only 1 virtual router(s)",
            "ok"),
        Arguments.of(
            "an instance in two sync groups",
            twoInstancesAnd(
                "", syncGroup("VG_1", "VI_1", "VI_2") + syncGroup("VG_2", "VI_2", "VI_1")),
            "5: Virtual router VI_2 cannot exist in more than one sync group",
            "32 VI_2"),
        Arguments.of(
            "two sync groups with one name",
            twoInstancesAnd("", syncGroup("VG_1", "VI_1") + syncGroup("VG_1", "VI_2")),
            "5: vrrp sync group VG_1 already defined",
            "29 vrrp_sync_group"),
        Arguments.of(
            "a sync group without a name",
            twoInstancesAnd("", syncGroup("", "VI_1", "VI_2").replace("group  {", "group {")),
            "5: vrrp_sync_group must have a name",
            "24 vrrp_sync_group"),
        Arguments.of(
            "a sync group with an empty group list",
            twoInstancesAnd("", syncGroup("VG_1")),
            "5: Warning - sync group VG_1 has empty group block",
            "25 group"),
        Arguments.of(
            "a sync group tracking a script that does not exist",
            twoInstancesAnd(
                "",
                syncGroup("VG_1", "VI_1", "VI_2")
                    .replace("}\n}\n", "}\n    track_script {\n        nosuch\n    }\n}\n")),
            "5: track script nosuch not found",
            "24 vrrp_sync_group"),
        // keepalived runs the member without the weight; ha4j refuses what would not happen
        Arguments.of(
            "a sync group member tracking an interface with a weight",
            twoInstancesAnd(trackInterface("lo weight -20"), syncGroup("VG_1", "VI_1", "VI_2")),
            "5: (VI_1) ignoring lo tracked interface weight due to SYNC group",
            "27 group"),
        Arguments.of(
            "the same, with sync_group_tracking_weight",
            twoInstancesAnd(
                trackInterface("lo weight -20"),
                syncGroup("VG_1", "VI_1", "VI_2")
                    .replace("}\n}\n", "}\n    sync_group_tracking_weight\n}\n")),
            "0",
            "ok"),
        Arguments.of(
            "a sync group tracking an interface with weight 254",
            twoInstancesAnd(
                "",
                syncGroup("VG_1", "VI_1", "VI_2")
                    .replace("}\n}\n", "}\n    " + trackInterface("lo weight 254") + "\n}\n")),
            "5: (VG_1) weight for lo cannot be +/-254",
            "30 lo"),
        Arguments.of(
            "track_interface of another interface with a weight",
            with("extra", trackInterface("lo weight -20")),
            "0",
            "ok"),
        Arguments.of(
            "track_interface weight 254",
            with("extra", trackInterface("lo weight 254")),
            "5: (VI_1) weight for lo cannot be +/-254",
            "15 lo"),
        Arguments.of(
            "track_interface weight -254",
            with("extra", trackInterface("lo weight -254")),
            "5: (VI_1) weight for lo cannot be +/-254",
            "15 lo"),
        Arguments.of(
            "track_interface weight without a value",
            with("extra", trackInterface("lo weight")),
            "5: (VI_1) weight without value specified for track_interface lo",
            "15 lo"),
        Arguments.of(
            "track_interface with an unknown option",
            with("extra", trackInterface("lo foo 3")),
            "5: (VI_1) unknown track_interface lo option foo",
            "15 lo"),
        Arguments.of(
            "one interface tracked twice",
            with("extra", trackInterface("lo", "lo")),
            "5: (VI_1) duplicate track_interface lo",
            "16 lo"),
        // keepalived runs a reversed weight; ha4j does not implement it and says so
        Arguments.of(
            "track_interface weight reverse",
            with("extra", trackInterface("lo weight 10 reverse")),
            "0",
            "15 lo"),
        Arguments.of(
            "virtual_ipaddress_excluded",
            with("extra", "virtual_ipaddress_excluded {\n10.200.0.200/24\n}"),
            "0",
            "ok"),
        Arguments.of(
            "virtual_ipaddress_excluded with an invalid address",
            with("extra", "virtual_ipaddress_excluded {\n10.200.0.300/24\n}"),
            "5: VRRP parsed invalid IP 10.200.0.300/24",
            "15 10.200.0.300/24"),
        // keepalived takes the address twice without a word; ha4j would add and remove it twice
        Arguments.of(
            "virtual_ipaddress_excluded repeating a VIP (ha4j is stricter)",
            with("extra", "virtual_ipaddress_excluded {\n10.200.0.100/24\n}"),
            "0",
            "1 vrrp_instance"));
  }

  /** VRRPv3, advert_int, accept and IPv6: the rows of {@link #v3}. */
  private static Stream<Arguments> versionRows() {
    return Stream.of(
        Arguments.of("vrrp_version 3, advert_int 0.1", v3("0.1"), "0", "ok"),
        Arguments.of("vrrp_version 3, advert_int 0.01", v3("0.01"), "0", "ok"),
        Arguments.of("vrrp_version 3, advert_int 40.95", v3("40.95"), "0", "ok"),
        // keepalived runs 0.12, and so does ha4j with a warning: peers with the same file agree
        Arguments.of(
            "vrrp_version 3, advert_int 0.123",
            v3("0.123"),
            "5: VRRPv3 advertisement interval 0.123000s must be in units of 10ms - rounding",
            "ok"),
        // keepalived runs 40.95 s instead; ha4j refuses an interval it would not run
        Arguments.of(
            "vrrp_version 3, advert_int 41",
            v3("41"),
            "5: VRRPv3 advertisement interval 41.00s is out of range",
            "9 advert_int"),
        // keepalived rounds it to 40.96 s, which the 12-bit field cannot carry
        Arguments.of(
            "vrrp_version 3, advert_int 40.955",
            v3("40.955"),
            "5: VRRPv3 advertisement interval 40.955000s must be in units of 10ms - rounding",
            "9 advert_int"),
        Arguments.of(
            "vrrp_version 2, advert_int 255.4",
            v3("2", "255.4", "10.200.0.100", ""),
            "5: number '255.4' outside range [0.010000, 255.000000]",
            "9 advert_int"),
        Arguments.of(
            "vrrp_version 3, advert_int 0.005",
            v3("0.005"),
            "5: Advert interval (0.005) not valid! Must be > 0",
            "9 advert_int"),
        Arguments.of(
            "vrrp_version 3, advert_int with 7 decimals",
            v3("0.1000001"),
            "5: number '0.1000001' has too many decimal places",
            "9 advert_int"),
        Arguments.of(
            "vrrp_version 3, advert_int -1", v3("-1"), "5: negative number '-1'", "9 advert_int"),
        Arguments.of(
            "version 3 in the instance", v3("2", "0.1", "10.200.0.100", "version 3"), "0", "ok"),
        // keepalived rounds to whole seconds; ha4j too when that rounds to 1 or more
        Arguments.of(
            "version 2 in the instance over vrrp_version 3, advert_int 1.5",
            v3("3", "1.5", "10.200.0.100", "version 2"),
            "5: VRRPv2 advertisement interval 1.500000s must be an integer. rounding",
            "ok"),
        // keepalived runs 1 s; ha4j refuses: the file asks for sub-second adverts VRRPv2 lacks
        Arguments.of(
            "vrrp_version 2, advert_int 0.1",
            v3("2", "0.1", "10.200.0.100", ""),
            "5: VRRPv2 advertisement interval 0.100000s must be an integer. rounding",
            "9 advert_int"),
        Arguments.of(
            "vrrp_version 4",
            v3("4", "1", "10.200.0.100", ""),
            "5: VRRP Error: Version must be either 2 or 3",
            "2 vrrp_version"),
        Arguments.of(
            "version 4 in the instance",
            v3("3", "1", "10.200.0.100", "version 4"),
            "5: Version must be either 2 or 3",
            "13 version"),
        // keepalived runs it without authentication, as its VRRPv3 peers do: so does ha4j
        Arguments.of(
            "version 3 with authentication",
            with("extra", "version 3"),
            "5: VRRP version 3 does not support authentication",
            "ok"),
        Arguments.of("accept", v3("3", "1", "10.200.0.100", "accept"), "0", "ok"),
        // keepalived filters with nftables; ha4j records Accept_Mode and warns that it does not
        Arguments.of("no_accept", v3("3", "1", "10.200.0.100", "no_accept"), "0", "ok"),
        // keepalived runs an IPv6 instance as VRRPv3 over IPv6 whatever its version; so does ha4j
        Arguments.of("an IPv6 VIP", v3("3", "1", "fd00:200::100/64", ""), "0", "ok"),
        Arguments.of(
            "an IPv6 VIP with vrrp_version 2", v3("2", "1", "fd00:200::100/64", ""), "0", "ok"),
        Arguments.of(
            "version 2 after an IPv6 VIP",
            v3("3", "1", "fd00:200::100/64", "version 2"),
            "5: vrrp_version 2 conflicts with configured or deduced version",
            "13 version"),
        // before the first IPv6 address keepalived takes it silently and runs VRRPv3; ha4j warns
        Arguments.of(
            "version 2 before an IPv6 VIP",
            v3("3", "1", "fd00:200::100/64", "")
                .replace("advert_int 1", "version 2\n    advert_int 1"),
            "0",
            "ok"),
        Arguments.of(
            "IPv6 VIPs and unicast peers",
            v3(
                "3",
                "1",
                "fd00:200::100/64",
                "unicast_src_ip fd00:200::11\n    unicast_peer {\n        fd00:200::12\n    }"),
            "0",
            "ok"),
        Arguments.of(
            "IPv6 then IPv4 VIPs in one instance",
            v3("3", "1", "fd00:200::100\n        10.200.0.100", ""),
            "5: address family must match VRRP instance",
            "12 10.200.0.100"),
        Arguments.of(
            "an invalid IPv6 VIP",
            v3("3", "1", "fd00:200::zz", ""),
            "5: VRRP parsed invalid IP fd00:200::zz",
            "11 fd00:200::zz"),
        Arguments.of(
            "IPv4 and IPv6 VIPs in one instance",
            v3("3", "1", "10.200.0.100\n        fd00:200::100", ""),
            "5: address family must match VRRP instance",
            "12 fd00:200::100"),
        Arguments.of(
            "an IPv6 unicast peer beside IPv4 VIPs",
            v3("3", "1", "10.200.0.100", "unicast_peer {\n        fd00:200::12\n    }"),
            "5: unicast peer address[fd00:200::12] MUST be of the same family",
            "14 fd00:200::12"));
  }

  @ParameterizedTest(name = "{0}: keepalived -t {2}")
  @MethodSource("table")
  void ha4jRefusesWhatKeepalivedRefuses(String what, String text, String keepalived, String ha4j) {
    ConfigException refused = null;
    try {
      KeepalivedConfigLoader.load("k.conf", text);
    } catch (ConfigException e) {
      refused = e;
    }
    if (ha4j.equals("ok")) {
      assertThat(refused).as("refused:%n%s", refused == null ? "" : refused.problems()).isNull();
      return;
    }
    assertThat(refused).as("accepted, but keepalived -t says %s", keepalived).isNotNull();
    String[] lineAndKeyword = ha4j.split(" ", 2);
    List<ConfigProblem> errors =
        refused.problems().stream().filter(ConfigProblem::isError).toList();
    assertThat(errors)
        .as("errors: %s", errors)
        .anyMatch(
            p ->
                p.location().line() == Integer.parseInt(lineAndKeyword[0])
                    && p.keyword().equals(lineAndKeyword[1]));
  }
}
