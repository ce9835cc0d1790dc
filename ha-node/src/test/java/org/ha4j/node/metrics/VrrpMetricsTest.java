package org.ha4j.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
    assertThat(sent("VI_1")).isEqualTo(40);
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

  @Test
  void afterAReloadTheSeriesAreThoseOfTheInstancesThatRunNow() {
    SnapshotInstance kept = new SnapshotInstance(named("VI_1", 40));
    SnapshotInstance removed = new SnapshotInstance(named("VI_2", 7));
    SnapshotInstance restarted = new SnapshotInstance(named("VI_3", 30));
    AtomicReference<List<VrrpInstance>> running =
        new AtomicReference<>(List.of(kept, removed, restarted));
    VrrpMetrics metrics = new VrrpMetrics(running::get);
    metrics.bindTo(registry);
    assertThat(sent("VI_3")).isEqualTo(30);

    // a reload removes VI_2, adds VI_4, and starts VI_3 again (its interface changed): the new
    // VI_3 counts from 0
    SnapshotInstance restartedAgain = new SnapshotInstance(named("VI_3", 0));
    SnapshotInstance added = new SnapshotInstance(named("VI_4", 5));
    running.set(List.of(kept, restartedAgain, added));
    metrics.refresh();
    kept.now = named("VI_1", 41);
    restartedAgain.now = named("VI_3", 3);

    assertThat(sent("VI_1")).isEqualTo(41);
    assertThat(sent("VI_4")).isEqualTo(5);
    assertThat(registry.find("ha4j.vrrp.state").tag("instance", "VI_4").meters()).hasSize(4);
    assertThat(sent("VI_3")).isGreaterThanOrEqualTo(30).isEqualTo(30 + 3);
    assertThat(registry.find("ha4j.vrrp.adverts").tag("instance", "VI_2").meters()).isEmpty();
    assertThat(registry.find("ha4j.vrrp.state").tag("instance", "VI_2").meters()).isEmpty();
    assertThat(registry.find("ha4j.vrrp.priority").tag("kind", "base").meters()).hasSize(3);

    metrics.refresh(); // nothing changed: nothing registered twice, nothing reset
    assertThat(sent("VI_3")).isEqualTo(33);
    assertThat(registry.find("ha4j.vrrp.priority").tag("kind", "base").meters()).hasSize(3);
  }

  private double sent(String instance) {
    return registry
        .get("ha4j.vrrp.adverts")
        .tags("instance", instance, "direction", "sent")
        .functionCounter()
        .count();
  }

  private static VrrpInstanceSnapshot named(String name, long sent) {
    return new VrrpInstanceSnapshot(
        name,
        VrrpState.BACKUP,
        100,
        100,
        Optional.empty(),
        IpAddress.parse("10.200.0.11"),
        true,
        sent,
        0,
        Map.of(),
        0,
        Map.of());
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
