package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ha4j.core.health.Health;
import org.ha4j.core.net.IpAddress;
import org.ha4j.health.ProbeFailure;
import org.ha4j.health.ProbeStats;
import org.ha4j.proxy.BackendStats;
import org.ha4j.proxy.ListenerStats;
import org.ha4j.proxy.ProxyFault;
import org.ha4j.vrrp.VrrpInstanceSnapshot;
import org.ha4j.vrrp.protocol.VrrpState;
import org.junit.jupiter.api.Test;

class NodeStateTest {

  @Test
  void theJsonDocumentCarriesEveryInstanceListenerAndServer() {
    NodeState state =
        new NodeState(
            Instant.parse("2026-12-06T06:00:00Z"),
            List.of(
                new NodeState.Instance(
                    new VrrpInstanceSnapshot(
                        "VI_1",
                        VrrpState.MASTER,
                        100,
                        100,
                        Optional.of(IpAddress.parse("10.200.0.11")),
                        IpAddress.parse("10.200.0.11"),
                        true,
                        42,
                        0,
                        Map.of("AUTH_TYPE_MISMATCH", 2L),
                        0,
                        Map.of("INITIALIZE->BACKUP", 1L, "BACKUP->MASTER", 1L)),
                    List.of("10.200.0.100/32"))),
            new NodeState.ProxyState(
                true,
                1,
                List.of(
                    new ListenerStats("0.0.0.0:8080", 5, 1, 3, 1, 0, 0, 700, 900, 0, 4, 4_000_000)),
                Map.of(
                    "tomcat",
                    List.of(
                        new BackendStats(
                            "10.200.0.12:8080",
                            1,
                            1,
                            4,
                            4,
                            0,
                            700,
                            900,
                            1_200_000,
                            true,
                            true,
                            false),
                        new BackendStats(
                            "10.200.0.13:8080", 1, 0, 1, 0, 1, 0, 0, 0, false, false, false))),
                Map.of(ProxyFault.UPSTREAM_CONNECT_FAILED, 1L)));

    assertThat(state.toJson())
        .isEqualTo(
            "{\"at\":\"2026-12-06T06:00:00Z\",\"instances\":[{\"name\":\"VI_1\",\"state\":\"MASTER\","
                + "\"basePriority\":100,\"effectivePriority\":100,\"master\":\"10.200.0.11\","
                + "\"source\":\"10.200.0.11\",\"interfaceUp\":true,"
                + "\"virtualAddresses\":[\"10.200.0.100/32\"],\"advertsSent\":42,"
                + "\"advertsReceived\":0,\"droppedPackets\":{\"AUTH_TYPE_MISMATCH\":2},"
                + "\"sendFailures\":0,\"transitions\":{\"BACKUP->MASTER\":1,"
                + "\"INITIALIZE->BACKUP\":1}}],"
                + "\"proxy\":{\"running\":true,\"activeSessions\":1,\"listeners\":[{\"address\":"
                + "\"0.0.0.0:8080\",\"accepted\":5,\"active\":1,\"status200\":3,\"status403\":1,"
                + "\"status502\":0,\"status503\":0,\"bytesFromClients\":700,\"bytesToClients\":900,"
                + "\"acceptFailures\":0,\"sessionsEnded\":4,\"sessionMeanMs\":1.000}],"
                + "\"upstreams\":{\"tomcat\":[{\"server\":\"10.200.0.12:8080\","
                + "\"weight\":1,\"usable\":true,\"healthy\":true,\"draining\":false,\"active\":1,"
                + "\"picks\":4,\"sessions\":4,\"connectFailures\":0,\"bytesToServer\":700,"
                + "\"bytesFromServer\":900,\"connectMeanMs\":0.300},{\"server\":\"10.200.0.13:8080\",\"weight\":1,"
                + "\"usable\":false,\"healthy\":false,\"draining\":false,\"active\":0,\"picks\":1,"
                + "\"sessions\":0,\"connectFailures\":1,\"bytesToServer\":0,\"bytesFromServer\":0,"
                + "\"connectMeanMs\":null}]},"
                + "\"faults\":{\"UPSTREAM_CONNECT_FAILED\":1}},\"probes\":[]}");
  }

  @Test
  void eachProbeShowsItsStatusResultsByReasonAndMeanLatency() {
    NodeState state =
        new NodeState(
            Instant.parse("2026-12-06T06:00:00Z"),
            List.of(),
            null,
            List.of(
                new NodeState.ProbeState(
                    "check_nginx",
                    Health.down("exit status 1"),
                    new ProbeStats(
                        3,
                        Map.of(ProbeFailure.FAILED, 2L, ProbeFailure.TIMEOUT, 1L),
                        6,
                        9_000_000))));
    assertThat(state.toJson())
        .isEqualTo(
            "{\"at\":\"2026-12-06T06:00:00Z\",\"instances\":[],\"proxy\":null,\"probes\":["
                + "{\"name\":\"check_nginx\",\"status\":\"DOWN\",\"cause\":\"exit status 1\","
                + "\"successes\":3,\"failures\":{\"FAILED\":2,\"TIMEOUT\":1,\"STILL_RUNNING\":0,"
                + "\"PROBE_ERROR\":0},\"latencyMeanMs\":1.500}]}");
  }

  @Test
  void stringsAreEscapedAsJsonRequires() {
    assertThat(Json.value("a\"b\\c\nd\te\u0001f é")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001f é\"");
    assertThat(Json.value(Map.of("k", List.of(1, true)))).isEqualTo("{\"k\":[1,true]}");
  }

  @Test
  void aNodeNotStartedHasNoInstancesAndAStoppedProxy() throws Exception {
    List<String> events = new ArrayList<>();
    HaNode node =
        HaNode.fromFiles(
            Path.of("../reference-deployment/lb1/keepalived.conf"),
            Path.of("../reference-deployment/nginx.conf"),
            NodeOptions.defaults(events::add));
    NodeState state = node.state();
    assertThat(state.instances()).isEmpty();
    assertThat(state.proxy().running()).isFalse();
    assertThat(node.runningProxy()).isEmpty();
    assertThat(state.toJson()).contains("\"instances\":[]").contains("\"running\":false");
  }
}
