package org.ha4j.vrrp.net;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure part of the start-up rehearsal never fails a start, whatever the configuration. */
class TakeoverRehearsalTest {

  @ParameterizedTest(name = "priority {0}")
  @ValueSource(ints = {1, 100, 254, 255})
  void theDriverRehearsalRunsForEveryKindOfRouter(int priority) {
    VrrpRouterConfig.Builder config =
        VrrpRouterConfig.builder()
            .virtualRouterId(51)
            .priority(priority)
            .advertIntervalSeconds(3)
            .primaryAddress(Ipv4Address.parse("10.200.0.10"))
            .addVirtualAddress(Ipv4Cidr.parse("10.200.0.100/24"))
            .garpMasterRefresh(Duration.ofSeconds(1))
            .track("check_nginx", 0)
            .track("weighted", -20);
    assertThatCode(() -> TakeoverRehearsal.driveThroughTakeover(config.build()))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                TakeoverRehearsal.driveThroughTakeover(
                    config.preemptDelay(Duration.ofSeconds(5)).build()))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                TakeoverRehearsal.driveThroughTakeover(
                    config.virtualAddresses(java.util.List.of()).build()))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "VRRPv3 at {0} ms")
  @ValueSource(ints = {10, 50, 1000, 40_950})
  void theDriverRehearsalRunsUnderVrrpv3(int millis) {
    VrrpRouterConfig config =
        VrrpRouterConfig.builder()
            .virtualRouterId(51)
            .version(3)
            .advertInterval(Duration.ofMillis(millis))
            .primaryAddress(Ipv4Address.parse("10.200.0.10"))
            .addVirtualAddress(Ipv4Cidr.parse("10.200.0.100/24"))
            .build();
    assertThatCode(() -> TakeoverRehearsal.driveThroughTakeover(config)).doesNotThrowAnyException();
  }
}
