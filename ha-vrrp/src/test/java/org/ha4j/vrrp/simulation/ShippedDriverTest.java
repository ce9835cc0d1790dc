package org.ha4j.vrrp.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.vrrp.driver.VrrpDriver;
import org.ha4j.vrrp.protocol.VrrpAction;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.junit.jupiter.api.Test;

/**
 * The seeded simulation runs the code that ships: the driver class the Linux instance assembles.
 */
class ShippedDriverTest {

  @Test
  void everyActionOnTheVirtualLanIsPerformedByTheDriverTheLinuxInstanceRuns() throws Exception {
    List<String> performers = new ArrayList<>();
    VirtualLan lan =
        VirtualLan.builder(7)
            .conditions(
                new NetworkConditions(0.1, Duration.ofMillis(1), Duration.ofMillis(20), 0.05))
            .staleTimerProbability(0.2)
            .listener(
                new SimulationListener() {
                  @Override
                  public void onAction(long nowNanos, SimulatedRouter router, VrrpAction action) {
                    performers.add(performer());
                  }
                })
            .build();
    SimulatedRouter lb1 =
        lan.addRouter(
            "LB1",
            VirtualLanTest.lb("10.200.0.10", 100)
                .initialState(VrrpRouterConfig.InitialState.MASTER)
                .build());
    SimulatedRouter lb2 = lan.addRouter("LB2", VirtualLanTest.lb("10.200.0.11", 90).build());
    lb1.start();
    lb2.start();
    lan.runFor(Duration.ofSeconds(10));
    lb1.setHealth("check_nginx", HealthStatus.DOWN);
    lan.runFor(Duration.ofSeconds(10));
    lb1.setHealth("check_nginx", HealthStatus.UP);
    lan.runFor(Duration.ofSeconds(10));
    lb2.crash();
    lan.runFor(Duration.ofSeconds(10));
    lb1.stop();

    assertThat(performers).hasSizeGreaterThan(50).containsOnly(VrrpDriver.class.getName());
    Class<?> linuxInstance = Class.forName("org.ha4j.vrrp.DefaultVrrpInstance");
    assertThat(linuxInstance.getDeclaredField("driver").getType()).isEqualTo(VrrpDriver.class);
  }

  /**
   * The class whose frame called into the simulation's adapters, below the listener and the LAN.
   */
  private static String performer() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .map(StackWalker.StackFrame::getClassName)
                    .filter(
                        name ->
                            !name.startsWith(VirtualLan.class.getPackageName())
                                && !name.startsWith("java."))
                    .findFirst()
                    .orElse("nobody"));
  }
}
