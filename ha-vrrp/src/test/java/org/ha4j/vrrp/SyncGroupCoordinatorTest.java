package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.core.time.VirtualScheduler;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.driver.StateNotifier;
import org.ha4j.vrrp.driver.VirtualAddressTable;
import org.ha4j.vrrp.driver.VrrpDriver;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * keepalived's vrrp_sync_group rules (vrrp_sync.c) over two shipped drivers, VI_1 (VRID 51) and
 * VI_2 (VRID 52) of one node, in virtual time; the peer's adverts are fed by hand. No root.
 */
class SyncGroupCoordinatorTest {

  static final Ipv4Address SELF = Ipv4Address.parse("10.200.0.10");
  static final Ipv4Address PEER = Ipv4Address.parse("10.200.0.11");
  static final String GROUP_INPUT = SyncGroupCoordinator.trackedInputName("VG_1");

  static final VirtualAddressTable NO_ADDRESSES =
      new VirtualAddressTable() {
        @Override
        public void add(List<Ipv4Cidr> addresses) {}

        @Override
        public void remove(List<Ipv4Cidr> addresses) {}
      };

  final VirtualScheduler clock = new VirtualScheduler();

  /** Every member transition, group notification and advert sent, in order. */
  final List<String> events = new ArrayList<>();

  final SyncGroupCoordinator group =
      new SyncGroupCoordinator("VG_1", (name, to) -> events.add("GROUP " + name + " " + to));

  VrrpRouterConfig vi1;
  VrrpRouterConfig vi2;
  VrrpDriver one;
  VrrpDriver two;

  static VrrpRouterConfig config(String name, int vrid, int priority, String vip) {
    return VrrpRouterConfig.builder()
        .instanceName(name)
        .virtualRouterId(vrid)
        .priority(priority)
        .primaryAddress(SELF)
        .authentication(VrrpAuthentication.password("1111"))
        .addVirtualAddress(Ipv4Cidr.parse(vip))
        .track("check_nginx", 0)
        .track(GROUP_INPUT, 0)
        .build();
  }

  final java.util.Map<VrrpDriver, SyncGroupCoordinator.Member> members = new java.util.HashMap<>();

  VrrpDriver member(VrrpRouterConfig config) {
    SyncGroupCoordinator.Member member = group.join(config.instanceName(), config, clock::execute);
    String name = config.instanceName();
    VrrpDriver driver =
        VrrpDriver.builder(VrrpStateMachine.create(config))
            .scheduler(clock)
            .adverts(advert -> events.add(name + " advert " + advert.priority()))
            .addresses(NO_ADDRESSES)
            .announcer((addresses, count) -> {})
            .notifier(
                new StateNotifier() {
                  @Override
                  public void stateChanged(
                      VrrpState from, VrrpState to, String reason, int priority) {
                    events.add(name + " " + to);
                  }
                })
            .syncGroup(member)
            .build();
    member.attach(driver);
    members.put(driver, member);
    return driver;
  }

  @BeforeEach
  void twoMembers() {
    vi1 = config("VI_1", 51, 100, "10.200.0.100/24");
    vi2 = config("VI_2", 52, 50, "10.200.0.101/24");
    one = member(vi1);
    two = member(vi2);
  }

  void start() {
    one.handle(VrrpInput.start());
    two.handle(VrrpInput.start());
  }

  /** Both members MASTER, the events so far forgotten. */
  void bothMaster() {
    start();
    clock.advanceBy(Duration.ofSeconds(5));
    assertThat(states()).containsExactly(VrrpState.MASTER, VrrpState.MASTER);
    events.clear();
  }

  List<VrrpState> states() {
    return List.of(one.snapshot().state(), two.snapshot().state());
  }

  void peerAdvertises(VrrpDriver member, VrrpRouterConfig config, int priority) {
    member.handle(VrrpInput.advertisement(PEER, config.advertisement(priority)));
  }

  /** Advances one second at a time, the peer advertising VI_2 at {@code priority} each second. */
  void peerHoldsVi2(int seconds, int priority) {
    for (int i = 0; i < seconds; i++) {
      peerAdvertises(two, vi2, priority);
      clock.advanceBy(Duration.ofSeconds(1));
    }
  }

  @Test
  void aMemberWhoseDownTimerRanOutWaitsInBackupUntilEveryMemberWantsMaster() {
    start();
    // VI_1 (priority 100) times out first: 3 s + skew 0.61 s; VI_2 (50): 3 s + 0.80 s
    clock.advanceBy(Duration.ofMillis(3700));
    assertThat(states()).containsExactly(VrrpState.BACKUP, VrrpState.BACKUP);

    clock.advanceBy(Duration.ofMillis(200));

    assertThat(states()).containsExactly(VrrpState.MASTER, VrrpState.MASTER);
    assertThat(events)
        .containsSubsequence("VI_1 BACKUP", "GROUP VG_1 BACKUP", "VI_2 BACKUP")
        .containsSubsequence("VI_2 MASTER", "GROUP VG_1 MASTER", "VI_1 MASTER");
    assertThat(group.state()).isEqualTo(VrrpState.MASTER);
  }

  @Test
  void noMemberTakesOverWhileAPeerIsStillMasterForAnotherMember() {
    start();
    peerHoldsVi2(20, 200);

    assertThat(states()).containsExactly(VrrpState.BACKUP, VrrpState.BACKUP);
    assertThat(events).noneMatch(e -> e.endsWith("MASTER"));

    // the peer is gone: VI_2 times out too, and both take over together
    clock.advanceBy(Duration.ofSeconds(4));
    assertThat(states()).containsExactly(VrrpState.MASTER, VrrpState.MASTER);
  }

  @Test
  void whenOneMasterReceivesAHigherPriorityAdvertTheOtherMastersFollowToBackup() {
    bothMaster();

    peerAdvertises(one, vi1, 200);
    clock.runDue();

    assertThat(states()).containsExactly(VrrpState.BACKUP, VrrpState.BACKUP);
    assertThat(events).containsExactly("VI_1 BACKUP", "GROUP VG_1 BACKUP", "VI_2 BACKUP");
    // keepalived's forced member leaves without a priority-0 advert (vrrp_sync_backup)
    assertThat(events).doesNotContain("VI_2 advert 0");
    assertThat(group.state()).isEqualTo(VrrpState.BACKUP);
  }

  @Test
  void afterFollowingToBackupAMemberStaysThereWhileItsPartnerHearsTheMaster() {
    bothMaster();
    peerAdvertises(one, vi1, 200);
    for (int i = 0; i < 20; i++) {
      peerAdvertises(one, vi1, 200);
      clock.advanceBy(Duration.ofSeconds(1));
    }

    // VI_2's own timer ran out long ago, but VI_1 still hears its master
    assertThat(states()).containsExactly(VrrpState.BACKUP, VrrpState.BACKUP);
  }

  @Test
  void aReleasedMemberThatHearsItsMasterFirstTakesTheGroupBackToBackup() {
    // VI_1's work runs on a thread of its own here: what the group posts to it waits in this queue
    List<Runnable> vi1Thread = new ArrayList<>();
    SyncGroupCoordinator racing =
        new SyncGroupCoordinator("VG_1", (name, to) -> events.add("GROUP " + name + " " + to));
    VrrpDriver a = raceMember(racing, vi1, vi1Thread::add);
    VrrpDriver b = raceMember(racing, vi2, clock::execute);
    a.handle(VrrpInput.start());
    b.handle(VrrpInput.start());
    clock.advanceBy(Duration.ofMillis(3900)); // VI_1 held at 3.61 s; VI_2 releases it at 3.80 s
    assertThat(b.snapshot().state()).isEqualTo(VrrpState.MASTER);
    assertThat(vi1Thread).hasSize(1);

    // before VI_1's thread runs the release, it hears a master on VRID 51
    peerAdvertises(a, vi1, 200);
    clock.runDue();
    vi1Thread.forEach(Runnable::run);

    assertThat(List.of(a.snapshot().state(), b.snapshot().state()))
        .containsExactly(VrrpState.BACKUP, VrrpState.BACKUP);
    assertThat(racing.state()).isEqualTo(VrrpState.BACKUP);
  }

  VrrpDriver raceMember(
      SyncGroupCoordinator coordinator, VrrpRouterConfig config, java.util.concurrent.Executor on) {
    SyncGroupCoordinator.Member member = coordinator.join(config.instanceName(), config, on);
    VrrpDriver driver =
        VrrpDriver.builder(VrrpStateMachine.create(config))
            .scheduler(clock)
            .adverts(advert -> {})
            .addresses(NO_ADDRESSES)
            .announcer((addresses, count) -> {})
            .syncGroup(member)
            .build();
    member.attach(driver);
    members.put(driver, member);
    return driver;
  }

  @Test
  void oneMembersFaultPutsEveryMemberInFaultAndTheyRecoverTogether() {
    bothMaster();

    one.handle(VrrpInput.health("check_nginx", HealthStatus.DOWN));
    clock.runDue();

    assertThat(states()).containsExactly(VrrpState.FAULT, VrrpState.FAULT);
    assertThat(events)
        .containsExactly(
            "VI_1 advert 0", "VI_1 FAULT", "GROUP VG_1 FAULT", "VI_2 advert 0", "VI_2 FAULT");
    assertThat(two.snapshot().trackedHealth()).containsEntry(GROUP_INPUT, HealthStatus.DOWN);
    events.clear();

    one.handle(VrrpInput.health("check_nginx", HealthStatus.UP));
    clock.runDue();
    assertThat(states()).containsExactly(VrrpState.BACKUP, VrrpState.BACKUP);
    assertThat(events).containsExactly("GROUP VG_1 BACKUP", "VI_1 BACKUP", "VI_2 BACKUP");

    clock.advanceBy(Duration.ofSeconds(5));
    assertThat(states()).containsExactly(VrrpState.MASTER, VrrpState.MASTER);
  }

  /** As the Linux instance reconfigures a member: the group learns the new config first. */
  void reconfigure(
      VrrpDriver driver, VrrpRouterConfig next, java.util.Map<String, HealthStatus> health) {
    members.get(driver).reconfigured(next);
    driver.handle(VrrpInput.reconfigure(next, health));
  }

  @Test
  void aWeightZeroSourceAddedByAReconfigureFaultsTheGroupAndItsRemovalRecoversIt() {
    bothMaster();
    VrrpRouterConfig withDisk = vi1.toBuilder().track("disk", 0).build();

    reconfigure(one, withDisk, java.util.Map.of("disk", HealthStatus.DOWN));
    clock.runDue();

    assertThat(states()).containsExactly(VrrpState.FAULT, VrrpState.FAULT);
    assertThat(group.state()).isEqualTo(VrrpState.FAULT);
    events.clear();

    reconfigure(one, vi1, java.util.Map.of());
    clock.runDue();
    assertThat(states()).containsExactly(VrrpState.BACKUP, VrrpState.BACKUP);
    assertThat(events).containsExactly("GROUP VG_1 BACKUP", "VI_1 BACKUP", "VI_2 BACKUP");
  }

  @Test
  void theGroupLeavesFaultOnlyWhenNoMemberHasAFaultOfItsOwn() {
    bothMaster();
    one.handle(VrrpInput.health("check_nginx", HealthStatus.DOWN));
    clock.runDue();
    two.handle(VrrpInput.interfaceUp(false));

    one.handle(VrrpInput.health("check_nginx", HealthStatus.UP));
    clock.advanceBy(Duration.ofSeconds(10));
    assertThat(states()).containsExactly(VrrpState.FAULT, VrrpState.FAULT);
    assertThat(group.state()).isEqualTo(VrrpState.FAULT);

    two.handle(VrrpInput.interfaceUp(true));
    clock.runDue();
    assertThat(states()).containsExactly(VrrpState.BACKUP, VrrpState.BACKUP);
  }

  @Test
  void aMemberStartingWithAFaultHoldsTheWholeGroupInFault() {
    one.handle(VrrpInput.health("check_nginx", HealthStatus.DOWN));
    start();
    clock.advanceBy(Duration.ofSeconds(10));

    assertThat(states()).containsExactly(VrrpState.FAULT, VrrpState.FAULT);
    assertThat(events).contains("GROUP VG_1 FAULT").noneMatch(e -> e.endsWith("MASTER"));
  }

  @Test
  void theGroupStopsWhenItsLastMemberLeaves() {
    bothMaster();
    SyncGroupCoordinator.Member first = group.join("VI_3", vi1, clock::execute);
    first.leave();
    one.stop();
    two.stop();
    assertThat(events).doesNotContain("GROUP VG_1 INITIALIZE");

    // the instance calls leave() once its driver stopped
    group.members().forEach(SyncGroupCoordinator.Member::leave);

    assertThat(events).endsWith("GROUP VG_1 INITIALIZE");
    assertThat(group.state()).isEqualTo(VrrpState.INITIALIZE);
  }

  @Test
  void theGenericGroupNotifyGetsKeepalivedsGroupArguments() {
    NotifyScripts scripts =
        NotifyScripts.none().withMaster("/bin/master.sh").withNotify("/bin/notify.sh x");

    assertThat(scripts.groupCommandsFor("MASTER", "VG_1"))
        .containsExactly(
            List.of("/bin/master.sh"),
            List.of("/bin/notify.sh", "x", "GROUP", "VG_1", "MASTER", "0"));
  }
}
