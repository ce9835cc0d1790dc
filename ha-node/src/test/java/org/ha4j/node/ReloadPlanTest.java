package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.ha4j.proxy.nginx.NginxStreamConfig;
import org.ha4j.proxy.nginx.NginxStreamConfigLoader;
import org.ha4j.vrrp.config.KeepalivedConfig;
import org.ha4j.vrrp.config.KeepalivedConfigLoader;
import org.junit.jupiter.api.Test;

/** The plan alone: two loaded configs in, what a reload does out. Nothing runs. */
class ReloadPlanTest {

  private static final String SCRIPT =
      "vrrp_script chk {\n  script \"/bin/true\"\n  interval 2\n  weight -20\n}\n";

  private static String instance(String name, int vrid, int priority, String vips, String extra) {
    return "vrrp_instance "
        + name
        + " {\n  state BACKUP\n  interface eth0\n  virtual_router_id "
        + vrid
        + "\n  priority "
        + priority
        + "\n  advert_int 1\n  virtual_ipaddress {\n"
        + vips
        + "  }\n"
        + extra
        + "}\n";
  }

  private static final String VI_1 = instance("VI_1", 51, 100, "    10.200.0.100\n", "");
  private static final String VI_2 =
      instance("VI_2", 52, 90, "    10.200.0.110\n", "  track_script {\n    chk\n  }\n");

  private static final String NGINX =
      "stream {\n"
          + "  upstream app { server 10.200.0.12:8080; server 10.200.0.13:8080; }\n"
          + "  server { listen 10.200.0.100:8080; proxy_pass app; }\n"
          + "}\n";

  private static KeepalivedConfig keepalived(String text) throws Exception {
    return KeepalivedConfigLoader.load("keepalived.conf", text);
  }

  private static NginxStreamConfig nginx(String text) throws Exception {
    return NginxStreamConfigLoader.load("nginx.conf", text);
  }

  private static ReloadPlan plan(String before, String after) throws Exception {
    return ReloadPlan.of(
        keepalived(before), nginx(NGINX), keepalived(after), nginx(NGINX), Set.of());
  }

  @Test
  void theSameSettingsElsewhereInTheFilesAreNoChange() throws Exception {
    ReloadPlan plan =
        ReloadPlan.of(
            keepalived(SCRIPT + VI_1 + VI_2),
            nginx(NGINX),
            keepalived("# moved\n\n" + VI_2 + "\n" + VI_1 + "\n" + SCRIPT),
            nginx("# a comment\n\n" + NGINX),
            Set.of());
    assertThat(plan.isEmpty()).isTrue();
    assertThat(plan.summary()).isEqualTo("no change");
  }

  @Test
  void priorityVipsAndTimersAreReconfiguredInPlace() throws Exception {
    ReloadPlan plan =
        plan(
            SCRIPT + VI_1 + VI_2,
            SCRIPT
                + instance("VI_1", 51, 110, "    10.200.0.100\n    10.200.0.101\n", "")
                    .replace("advert_int 1", "advert_int 2")
                + VI_2);
    assertThat(plan.instances())
        .containsExactly(
            new ReloadPlan.InstanceStep(
                "VI_1",
                ReloadPlan.Action.RECONFIGURE,
                java.util.List.of(
                    "priority 100->110", "advert_int 1->2", "virtual_ipaddress +10.200.0.101/32")));
    assertThat(plan.summary())
        .isEqualTo(
            "VI_1 reconfigured (priority 100->110, advert_int 1->2,"
                + " virtual_ipaddress +10.200.0.101/32)");
  }

  @Test
  void aNewVirtualRouterIdOrInterfaceIsAnotherRouterSoTheInstanceRestarts() throws Exception {
    ReloadPlan plan =
        plan(
            VI_1 + SCRIPT + VI_2,
            instance("VI_1", 61, 100, "    10.200.0.100\n", "").replace("eth0", "eth1")
                + SCRIPT
                + VI_2);
    assertThat(plan.instances())
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.action()).isEqualTo(ReloadPlan.Action.RESTART);
              assertThat(step.changes())
                  .containsExactly("interface eth0->eth1", "virtual_router_id 51->61");
            });
  }

  @Test
  void becomingOrCeasingToBeTheAddressOwnerIsARestart() throws Exception {
    ReloadPlan plan =
        plan(SCRIPT + VI_1 + VI_2, SCRIPT + VI_1.replace("priority 100", "priority 255") + VI_2);
    assertThat(plan.instances())
        .extracting(ReloadPlan.InstanceStep::toString)
        .containsExactly("VI_1 restarted (priority 100->255 (address owner))");
  }

  @Test
  void aRunningListenersBacklogOrReuseportIsAnErrorAtItsServerBlock() throws Exception {
    NginxStreamConfig next =
        nginx(NGINX.replace("listen 10.200.0.100:8080;", "listen 10.200.0.100:8080 backlog=64;"));
    assertThat(ProxyPlan.unchangeable(nginx(NGINX), next))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.toString())
                    .contains("nginx.conf:3")
                    .contains("listen")
                    .contains("backlog and reuseport cannot change"));
    assertThat(
            ProxyPlan.unchangeable(
                nginx(NGINX),
                nginx(
                    NGINX.replace(
                        "listen 10.200.0.100:8080;", "listen 10.200.0.100:8081 backlog=64;"))))
        .as("a new listener may have any backlog")
        .isEmpty();
  }

  @Test
  void removedInstancesStopFirstAndNewOnesStartLast() throws Exception {
    String vi3 = instance("VI_3", 53, 80, "    10.200.0.120\n", "");
    ReloadPlan plan =
        plan(
            SCRIPT + VI_1 + VI_2,
            SCRIPT
                + vi3
                + instance(
                    "VI_2", 52, 95, "    10.200.0.110\n", "  track_script {\n    chk\n  }\n"));
    assertThat(plan.instances())
        .extracting(s -> s.name() + " " + s.action())
        .containsExactly("VI_1 STOP", "VI_2 RECONFIGURE", "VI_3 START");
    assertThat(plan.summary())
        .isEqualTo("VI_1 stopped; VI_2 reconfigured (priority 90->95); VI_3 started");
  }

  @Test
  void aChangedScriptRestartsAndItsTrackersAreReconfiguredUnlessTheProxyReplacesIt()
      throws Exception {
    String changed = SCRIPT.replace("interval 2", "interval 3");
    String added = "vrrp_script other {\n  script \"/bin/false\"\n}\n";
    ReloadPlan plan = plan(SCRIPT + VI_1 + VI_2, changed + added + VI_1 + VI_2);
    assertThat(plan.scriptsChanged()).containsExactly("chk");
    assertThat(plan.scriptsAdded()).containsExactly("other");
    assertThat(plan.instances())
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.name()).isEqualTo("VI_2");
              assertThat(step.action()).isEqualTo(ReloadPlan.Action.RECONFIGURE);
              assertThat(step.changes()).containsExactly("vrrp_script chk changed");
            });

    ReloadPlan replaced =
        ReloadPlan.of(
            keepalived(SCRIPT + VI_1 + VI_2),
            nginx(NGINX),
            keepalived(changed + VI_1 + VI_2),
            nginx(NGINX),
            Set.of("chk"));
    assertThat(replaced.isEmpty()).isTrue();
  }

  @Test
  void trackWeightsAreReconfigured() throws Exception {
    ReloadPlan plan =
        plan(
            SCRIPT + VI_1 + VI_2,
            SCRIPT + VI_1 + VI_2.replace("    chk\n", "    chk weight -30\n"));
    assertThat(plan.step("VI_2"))
        .hasValueSatisfying(
            step ->
                assertThat(step.changes()).containsExactly("track_script +chk weight -30 -chk"));
  }

  @Test
  void aChangedSyncGroupRestartsItsMembers() throws Exception {
    String group =
        "vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n  sync_group_tracking_weight\n}\n";
    ReloadPlan plan =
        plan(SCRIPT + VI_1 + VI_2 + group, SCRIPT + VI_1 + VI_2 + group.replace("    VI_2\n", ""));
    assertThat(plan.instances())
        .extracting(s -> s.name() + " " + s.action())
        .containsExactly("VI_1 RESTART", "VI_2 RESTART");
    assertThat(plan.step("VI_2").orElseThrow().changes())
        .containsExactly("vrrp_sync_group G->none");

    ReloadPlan same = plan(SCRIPT + VI_1 + VI_2 + group, group + SCRIPT + VI_1 + VI_2);
    assertThat(same.isEmpty()).isTrue();
  }

  @Test
  void proxyServersListenersAndUpstreamsAreNamed() throws Exception {
    NginxStreamConfig after =
        nginx(
            "stream {\n"
                + "  upstream app { server 10.200.0.12:8080 weight=3; server 10.200.0.14:8080; }\n"
                + "  upstream admin { server 10.200.0.12:9090; }\n"
                + "  server { listen 10.200.0.100:9090; proxy_pass admin; }\n"
                + "}\n");
    ProxyPlan plan = ProxyPlan.of(nginx(NGINX), after);
    assertThat(plan.describe())
        .containsExactly(
            "listener 10.200.0.100:9090 added",
            "listener 10.200.0.100:8080 removed",
            "upstream admin added",
            "upstream app changed");
    assertThat(ProxyPlan.of(nginx(NGINX), nginx("\n\n" + NGINX)).isEmpty()).isTrue();
    assertThat(
            ProxyPlan.of(
                    nginx(NGINX),
                    nginx(NGINX.replace("proxy_pass app;", "proxy_pass app; proxy_timeout 1m;")))
                .describe())
        .containsExactly("listener 10.200.0.100:8080 changed");
  }
}
