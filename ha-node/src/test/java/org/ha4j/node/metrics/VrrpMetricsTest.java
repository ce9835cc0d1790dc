package org.ha4j.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ha4j.core.net.IpAddress;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.VrrpInstanceSnapshot;
import org.ha4j.vrrp.protocol.VrrpState;
import org.junit.jupiter.api.Test;

/**
 * The meters follow an instance's snapshots as they change. The instance here only hands out
 * snapshots (opening raw sockets is not what is under test; the snapshots' own counting is tested
 * with the instance in ha-vrrp).
 */
class VrrpMetricsTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void stateIsOneSeriesPerStateWithExactlyTheCurrentOneAtOne() {
    SnapshotInstance vi1 = new SnapshotInstance(snapshot(VrrpState.BACKUP, 0, 12, Map.of()));
    new VrrpMetrics(() -> List.of(vi1)).bindTo(registry);
    assertThat(state("BACKUP")).isEqualTo(1);
    assertThat(state("MASTER")).isZero();

    vi1.now = snapshot(VrrpState.MASTER, 40, 12, Map.of("AUTH_TYPE_MISMATCH", 3L, "OTHER", 1L));
    assertThat(state("BACKUP")).isZero();
    assertThat(state("MASTER")).isEqualTo(1);
    assertThat(
            registry
                .get("ha4j.vrrp.adverts")
                .tags("instance", "VI_1", "direction", "sent")
                .functionCounter()
                .count())
        .isEqualTo(40);
    assertThat(dropped("AUTH_TYPE_MISMATCH")).isEqualTo(3);
    assertThat(dropped("all")).isEqualTo(4);
    assertThat(dropped("CHECKSUM_BAD")).isZero();
    assertThat(transitions("BACKUP", "MASTER")).isZero();

    vi1.now =
        snapshot(
            VrrpState.BACKUP,
            41,
            13,
            Map.of("NOT_A_PEER", 2L),
            Map.of("INITIALIZE->BACKUP", 1L, "BACKUP->MASTER", 2L, "MASTER->BACKUP", 1L));
    assertThat(transitions("BACKUP", "MASTER")).isEqualTo(2);
    assertThat(transitions("MASTER", "BACKUP")).isEqualTo(1);
    assertThat(transitions("MASTER", "FAULT")).isZero();
    assertThat(dropped("NOT_A_PEER")).isEqualTo(2);
    assertThat(
            registry
                .get("ha4j.vrrp.priority")
                .tags("instance", "VI_1", "kind", "effective")
                .gauge()
                .value())
        .isEqualTo(98);
  }

  private double state(String state) {
    return registry.get("ha4j.vrrp.state").tags("instance", "VI_1", "state", state).gauge().value();
  }

  private double transitions(String from, String to) {
    return registry
        .get("ha4j.vrrp.transitions")
        .tags("instance", "VI_1", "from", from, "to", to)
        .functionCounter()
        .count();
  }

  private double dropped(String reason) {
    return registry
        .get("ha4j.vrrp.dropped")
        .tags("instance", "VI_1", "reason", reason)
        .functionCounter()
        .count();
  }

  private static VrrpInstanceSnapshot snapshot(
      VrrpState state, long sent, long received, Map<String, Long> dropped) {
    return snapshot(state, sent, received, dropped, Map.of());
  }

  private static VrrpInstanceSnapshot snapshot(
      VrrpState state,
      long sent,
      long received,
      Map<String, Long> dropped,
      Map<String, Long> transitions) {
    return new VrrpInstanceSnapshot(
        "VI_1",
        state,
        100,
        98,
        Optional.empty(),
        IpAddress.parse("10.200.0.11"),
        true,
        sent,
        received,
        dropped,
        0,
        transitions);
  }

  private static final class SnapshotInstance implements VrrpInstance {
    volatile VrrpInstanceSnapshot now;

    SnapshotInstance(VrrpInstanceSnapshot first) {
      now = first;
    }

    @Override
    public String name() {
      return now.name();
    }

    @Override
    public VrrpInstanceSnapshot snapshot() {
      return now;
    }

    @Override
    public void start() {}

    @Override
    public void stop() {}
  }
}
