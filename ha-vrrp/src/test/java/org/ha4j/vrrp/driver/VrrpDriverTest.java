package org.ha4j.vrrp.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.core.time.VirtualScheduler;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.protocol.VrrpAction;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.ha4j.vrrp.testing.NoVirtualAddresses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver over recording ports, in virtual time: what reaches each port, in what order. No root.
 */
class VrrpDriverTest {

  static final Ipv4Cidr VIP = Ipv4Cidr.parse("10.200.0.100/24");
  static final Ipv4Address SELF = Ipv4Address.parse("10.200.0.10");
  static final Ipv4Address PEER = Ipv4Address.parse("10.200.0.11");
  static final VrrpAuthentication AUTH = VrrpAuthentication.password("1111");

  /** RFC 3768 §6.1: 3 x 1 s + (256 - 100) / 256 s. */
  static final Duration MASTER_DOWN_100 = Duration.ofNanos(3_609_375_000L);

  final VirtualScheduler clock = new VirtualScheduler();

  /** Every port call, in order, as "port what". */
  final List<String> calls = new ArrayList<>();

  boolean advertsFail;

  /** Every advertisement sent, whole. */
  final List<VrrpAdvertisement> adverts = new ArrayList<>();

  static VrrpRouterConfig.Builder config() {
    return VrrpRouterConfig.builder()
        .instanceName("VI_1")
        .virtualRouterId(51)
        .priority(100)
        .primaryAddress(SELF)
        .authentication(AUTH)
        .addVirtualAddress(VIP)
        .track("check_nginx", 0);
  }

  VrrpDriver driver(VrrpRouterConfig config) {
    return driver(config, ActionObserver.NONE);
  }

  VrrpDriver driver(VrrpRouterConfig config, ActionObserver observer) {
    return VrrpDriver.builder(VrrpStateMachine.create(config))
        .scheduler(clock)
        .adverts(
            advert -> {
              if (advertsFail) {
                throw new IOException("network is unreachable");
              }
              calls.add("advert priority " + advert.priority());
              adverts.add(advert);
            })
        .addresses(
            new VirtualAddressTable() {
              @Override
              public void add(List<Ipv4Cidr> addresses) {
                calls.add("add " + addresses);
              }

              @Override
              public void remove(List<Ipv4Cidr> addresses) {
                calls.add("remove " + addresses);
              }
            })
        .announcer((addresses, repeat) -> calls.add("announce " + addresses + " x" + repeat))
        .notifier(
            new StateNotifier() {
              @Override
              public void stateChanged(
                  VrrpState from, VrrpState to, String reason, int effectivePriority) {
                calls.add("notify " + from + " -> " + to + " priority " + effectivePriority);
              }

              @Override
              public void priorityChanged(int from, int to, String reason) {
                calls.add("notify priority " + from + " -> " + to);
              }
            })
        .observer(observer)
        .build();
  }

  /** A started backup that has just taken over (no master heard for Master_Down_Interval). */
  VrrpDriver master() {
    VrrpDriver driver = driver(config().build());
    driver.handle(VrrpInput.start());
    clock.advanceBy(MASTER_DOWN_100);
    assertThat(driver.snapshot().state()).isEqualTo(VrrpState.MASTER);
    calls.clear();
    return driver;
  }

  @BeforeEach
  void noCalls() {
    calls.clear();
  }

  @Test
  void excludedAddressesComeAndGoWithTheVipsButAreNeverAdvertised() {
    Ipv4Cidr excluded = Ipv4Cidr.parse("10.200.0.200/32");
    VrrpDriver driver = driver(config().excludedAddresses(List.of(excluded)).build());
    driver.handle(VrrpInput.start());
    clock.advanceBy(MASTER_DOWN_100);

    assertThat(calls)
        .contains(
            "remove [" + VIP + ", " + excluded + "]",
            "add [" + VIP + ", " + excluded + "]",
            "announce [" + VIP + ", " + excluded + "] x5");
    clock.advanceBy(Duration.ofSeconds(3));
    assertThat(adverts)
        .hasSizeGreaterThan(1)
        .allSatisfy(a -> assertThat(a.addresses()).containsExactly(VIP.address()));

    calls.clear();
    driver.handle(VrrpInput.shutdown());
    assertThat(calls).contains("remove [" + VIP + ", " + excluded + "]");
  }

  @Test
  void anAddressCannotBeBothVirtualAndExcluded() {
    assertThatThrownBy(() -> config().excludedAddresses(List.of(VIP)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("address 10.200.0.100 is both a virtual and an excluded address");
  }

  @Test
  void startingAsBackupClearsLeftoverVipsAndArmsOnlyTheDownTimer() {
    VrrpDriver driver = driver(config().build());
    driver.handle(VrrpInput.start());

    assertThat(calls)
        .containsExactly("remove [" + VIP + "]", "notify INITIALIZE -> BACKUP priority 100");
    assertThat(clock.pendingTasks()).isEqualTo(1);
    assertThat(clock.nextDueNanos()).isEqualTo(MASTER_DOWN_100.toNanos());
  }

  @Test
  void takeoverAddsTheVipsBeforeAnnouncingThemAndNotifiesLast() {
    VrrpDriver driver = driver(config().build());
    driver.handle(VrrpInput.start());
    calls.clear();

    clock.advanceTo(MASTER_DOWN_100.toNanos() - 1);
    assertThat(calls).isEmpty();
    clock.advanceTo(MASTER_DOWN_100.toNanos());

    assertThat(calls)
        .containsExactly(
            "advert priority 100",
            "add [" + VIP + "]",
            "announce [" + VIP + "] x5",
            "notify BACKUP -> MASTER priority 100");
    assertThat(driver.snapshot().state()).isEqualTo(VrrpState.MASTER);
    assertThat(driver.advertisementsSent()).isEqualTo(1);

    calls.clear();
    clock.advanceBy(Duration.ofSeconds(1));
    assertThat(calls).containsExactly("advert priority 100"); // the advert timer the takeover armed
  }

  @Test
  void theObserverSeesTheWholeDecisionBeforeAnyPortIsCalled() {
    List<String> seen = new ArrayList<>();
    VrrpDriver driver =
        driver(
            config().build(),
            new ActionObserver() {
              @Override
              public void decided(long nowNanos, List<VrrpAction> actions) {
                seen.add("decided " + actions.size() + " with " + calls.size() + " port calls");
              }

              @Override
              public void performing(long nowNanos, VrrpAction action) {
                seen.add(action.getClass().getSimpleName());
              }
            });
    driver.handle(VrrpInput.start());

    assertThat(seen)
        .containsExactly(
            "decided 3 with 0 port calls", "RemoveVirtualAddresses", "ArmTimer", "StateChanged");
  }

  @Test
  void stopResignsWithPriorityZeroThenRemovesTheVipsAndLeavesNoTimer() {
    VrrpDriver driver = master();

    driver.stop();

    assertThat(calls)
        .containsExactly(
            "advert priority 0",
            "remove [" + VIP + "]",
            "notify MASTER -> INITIALIZE priority 100");
    calls.clear();
    clock.advanceBy(Duration.ofSeconds(60));
    assertThat(calls).as("nothing runs after stop").isEmpty();
    assertThat(clock.pendingTasks()).isZero();
    driver.handle(VrrpInput.start());
    assertThat(calls).as("a stopped driver ignores inputs").isEmpty();
  }

  @Test
  void aFaultResignsAndRecoveryGoesBackThroughBackupToMaster() {
    VrrpDriver driver = master();

    driver.handle(VrrpInput.health("check_nginx", HealthStatus.DOWN)); // weight 0: FAULT
    assertThat(calls)
        .containsExactly(
            "advert priority 0", "remove [" + VIP + "]", "notify MASTER -> FAULT priority 100");
    calls.clear();
    clock.advanceBy(Duration.ofSeconds(30));
    assertThat(calls).as("no adverts, no takeover while in FAULT").isEmpty();

    driver.handle(VrrpInput.health("check_nginx", HealthStatus.UP));
    assertThat(calls).containsExactly("notify FAULT -> BACKUP priority 100");
    clock.advanceBy(MASTER_DOWN_100);
    assertThat(calls)
        .containsExactly(
            "notify FAULT -> BACKUP priority 100",
            "advert priority 100",
            "add [" + VIP + "]",
            "announce [" + VIP + "] x5",
            "notify BACKUP -> MASTER priority 100");
  }

  @Test
  void aHigherPriorityMasterIsHeardThroughTheInputAndTheVipsLeave() {
    VrrpDriver driver = master();

    driver.handle(
        VrrpInput.advertisement(
            PEER, new VrrpAdvertisement(51, 200, AUTH, 1, List.of(VIP.address()))));

    assertThat(calls)
        .containsExactly("remove [" + VIP + "]", "notify MASTER -> BACKUP priority 100");
    assertThat(driver.snapshot().masterAddress()).contains(PEER);
  }

  @Test
  void aFailingAdvertPortIsCountedAndTheTakeoverStillHappens() {
    VrrpDriver driver = driver(config().build());
    driver.handle(VrrpInput.start());
    calls.clear();
    advertsFail = true;

    clock.advanceBy(MASTER_DOWN_100);

    assertThat(calls)
        .containsExactly(
            "add [" + VIP + "]",
            "announce [" + VIP + "] x5",
            "notify BACKUP -> MASTER priority 100");
    assertThat(driver.sendFailures()).isEqualTo(1);
    assertThat(driver.advertisementsSent()).isZero();
  }

  @Test
  void aMissingPortIsNamed() {
    assertThatThrownBy(
            () ->
                VrrpDriver.builder(VrrpStateMachine.create(config().build()))
                    .scheduler(clock)
                    .addresses(new NoVirtualAddresses())
                    .announcer((a, r) -> {})
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("adverts is required");
  }
}
