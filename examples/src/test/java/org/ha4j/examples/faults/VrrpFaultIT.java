package org.ha4j.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.locks.LockSupport;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.net.WireTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The VRRP half of the standing fault suite: two {@code ha4j node} processes (lb1 priority 100, lb2
 * priority 90, advert_int 1) on a namespace LAN meet advert loss, a pulled cable and a partition,
 * one after the other, and after each one the pair must settle back to the same invariants ({@link
 * SettledPair}): only lb1 holds the VIP, fds and threads at their baseline, both idle, quiet logs.
 * The pair is shared across the faults on purpose: a fault that leaves damage behind fails the next
 * one too.
 *
 * <p>RFC 3768 §6.1/§6.4.2 arithmetic used throughout: lb2 declares lb1 down after
 * Master_Down_Interval = 3 x 1 s + (256 - 90)/256 s = 3.648 s without an advert, so exactly three
 * consecutive lost adverts (a gap of 4 s) make it take over, two (a gap of 3 s) must not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VrrpFaultIT {

  /** RFC 3768 §6.1 Master_Down_Interval of lb2 (priority 90, advert_int 1). */
  static final Duration MASTER_DOWN_90 = Duration.ofNanos(3_648_437_500L);

  /** Adverts per loss window: 20 at advert_int 1, i.e. 20 s of loss. */
  static final int WINDOW_ADVERTS = 20;

  /** keepalived's garp_master_repeat, which ha4j shares: GARPs per burst on becoming MASTER. */
  static final int GARP_BURST = 5;

  private NetnsLan lan;
  private NetnsHost lb1Host;
  private NetnsHost lb2Host;
  private NetnsHost client;
  private GarpCounter garps;
  private SettledPair pair;

  @BeforeAll
  void startPair() throws Exception {
    Privileges.assumeRoot("network namespaces, raw sockets, netlink and nftables");
    Privileges.assumeCommand("nft");
    lan = NetnsLan.create();
    lb1Host = lan.addHost("lb1", 11);
    lb2Host = lan.addHost("lb2", 12);
    client = lan.addHost("client", 2);
    garps = GarpCounter.start(client, FaultNode.VIP, List.of(lb1Host, lb2Host));
    pair = startSettledPair(List.of());
  }

  @AfterAll
  void closeLan() {
    if (lan != null) {
      lan.close();
    }
  }

  /**
   * Starts lb1 and lb2, waits for lb1 to be MASTER with both GARP bursts sent, then takes the
   * baseline.
   */
  private SettledPair startSettledPair(List<String> environment) throws Exception {
    long garpsBefore = garps.from(lb1Host);
    FaultNode lb1 = FaultNode.start(lb1Host, 100, environment);
    FaultNode lb2 = FaultNode.start(lb2Host, 90, environment);
    lb1.awaitEntering("MASTER", 0, Duration.ofSeconds(15));
    lb2.awaitEntering("BACKUP", 0, Duration.ofSeconds(15));
    // the second burst follows garp_master_delay (5 s) later; the baseline is taken once it is out
    await(
        () -> garps.from(lb1Host) >= garpsBefore + 2 * GARP_BURST,
        Duration.ofSeconds(10),
        "both GARP bursts from lb1");
    return SettledPair.baseline(lb1, lb2);
  }

  // ------------------------------------------------------------------ advert loss

  @Test
  @Order(1)
  void tenPercentAdvertLossWithoutThreeInARowChangesNothing() throws Exception {
    lossWithoutTakeover("10 % advert loss", AdvertLoss.indexes(6, 15));
  }

  @Test
  @Order(2)
  void thirtyPercentAdvertLossWithoutThreeInARowChangesNothing() throws Exception {
    // 6 of 20, two of them pairs: gaps of 3 s, 0.648 s short of lb2's Master_Down_Interval
    lossWithoutTakeover("30 % advert loss", AdvertLoss.indexes(2, 3, 8, 11, 12, 17));
  }

  /**
   * Drops the adverts at {@code dropped} (of every 20) on lb2's input for 20 adverts. Random loss
   * cannot promise "no transition": at 30 % a 20-advert window holds three losses in a row with
   * probability 0.31 ({@link #probabilityOfThreeInARow}), and then RFC 3768 requires lb2 to take
   * over. A fixed pattern with runs of at most two makes "no flapping" a claim the RFC backs.
   */
  private void lossWithoutTakeover(String fault, SortedSet<Integer> dropped) throws Exception {
    assertThat(AdvertLoss.longestRun(dropped))
        .as("the pattern has no three losses in a row")
        .isLessThan(3);
    SettledPair.Marks marks = pair.mark();
    AdvertLoss loss = AdvertLoss.pattern(lb2Host, WINDOW_ADVERTS, dropped);
    long droppedCount;
    try {
      await(
          () -> loss.seen() >= WINDOW_ADVERTS,
          Duration.ofSeconds(WINDOW_ADVERTS + 10),
          WINDOW_ADVERTS + " adverts at lb2");
      droppedCount = loss.dropped();
    } finally {
      loss.stop();
    }
    assertThat(droppedCount).as("adverts lb2 lost").isEqualTo(dropped.size());
    assertThat(pair.master.transitionsSince(marks.master()))
        .as(fault + ": lb1 transitions")
        .isEmpty();
    assertThat(pair.backup.transitionsSince(marks.backup()))
        .as(fault + ": lb2 transitions")
        .isEmpty();
    pair.assertSettled(fault, marks);
  }

  @Test
  @Order(3)
  void fiftyPercentRandomLossSettlesToOneMasterWithinMasterDownIntervalOnceItStops()
      throws Exception {
    double expected = probabilityOfThreeInARow(WINDOW_ADVERTS, 0.5);
    SettledPair.Marks marks = pair.mark();
    AdvertLoss toLb1 = AdvertLoss.random(lb1Host, 50);
    AdvertLoss toLb2 = AdvertLoss.random(lb2Host, 50);
    try {
      await(
          () -> toLb2.seen() >= WINDOW_ADVERTS,
          Duration.ofSeconds(WINDOW_ADVERTS + 10),
          WINDOW_ADVERTS + " adverts at lb2");
    } finally {
      toLb1.stop();
      toLb2.stop();
    }
    long stoppedAt = System.nanoTime();
    // lb2 may have taken over (three in a row) and stepped back; lb1 outranks every advert it hears
    pair.assertOneHolder(MASTER_DOWN_90);
    Duration settledIn = Duration.ofNanos(System.nanoTime() - stoppedAt);
    List<FaultNode.Transition> lb2Moves = pair.backup.transitionsSince(marks.backup());
    System.out.printf(
        "50 %% loss: lb2 made %d transitions; RFC 3768 predicts a takeover in a 20-advert window"
            + " with probability %.2f; one master %d ms after the loss stopped%n",
        lb2Moves.size(), expected, settledIn.toMillis());
    assertThat(pair.master.transitionsSince(marks.master()))
        .as("lb1 never leaves MASTER")
        .isEmpty();
    assertThat(lb2Moves).allMatch(t -> t.to().equals("MASTER") || t.to().equals("BACKUP"));
    pair.assertSettled("50 % advert loss", marks);
  }

  /**
   * The chance that {@code adverts} adverts, each lost with probability {@code loss}, include three
   * losses in a row: what makes a backup with advert_int 1 take over (RFC 3768 §6.4.2).
   */
  static double probabilityOfThreeInARow(int adverts, double loss) {
    // state: length of the current run of losses (0-2) with no run of three so far
    double[] run = {1, 0, 0};
    for (int i = 0; i < adverts; i++) {
      double none = (run[0] + run[1] + run[2]) * (1 - loss);
      run = new double[] {none, run[0] * loss, run[1] * loss};
    }
    return 1 - (run[0] + run[1] + run[2]);
  }

  // ------------------------------------------------------------------ link

  @Test
  @Order(4)
  void cablePulledFromTheMasterMovesTheVipAndPluggingItBackReturnsIt() throws Exception {
    SettledPair.Marks marks = pair.mark();
    FaultNode lb1 = pair.master;
    FaultNode lb2 = pair.backup;
    long lb2Garps = garps.from(lb2Host);
    long pulledAt = epochMicros();
    lb1Host.unplug();
    lb1.awaitEntering("FAULT", marks.master(), Duration.ofSeconds(5));
    FaultNode.Transition takeover =
        lb2.awaitEntering("MASTER", marks.backup(), Duration.ofSeconds(8));
    assertThat(takeover.wallMicros() - pulledAt)
        .as("lb2 takes over within Master_Down_Interval (+300 ms), µs")
        .isLessThanOrEqualTo(MASTER_DOWN_90.toNanos() / 1000 + 300_000);
    assertThat(lb1.holdsVip()).as("lb1 in FAULT holds no VIP").isFalse();
    assertThat(lb2.holdsVip()).as("lb2 holds the VIP").isTrue();
    await(
        () -> garps.from(lb2Host) > lb2Garps,
        Duration.ofSeconds(3),
        "GARP from lb2 after it took over");

    SettledPair.Marks back = pair.mark();
    long lb1Garps = garps.from(lb1Host);
    lb1Host.plug();
    lb1.awaitEntering("BACKUP", back.master(), Duration.ofSeconds(5));
    lb1.awaitEntering(
        "MASTER", back.master(), Duration.ofSeconds(10)); // preempts after its Master_Down_Interval
    lb2.awaitEntering("BACKUP", back.backup(), Duration.ofSeconds(5));
    await(
        () -> garps.from(lb1Host) > lb1Garps,
        Duration.ofSeconds(3),
        "GARP from lb1 after it came back");
    pair.assertSettled("cable pulled and plugged back", marks);
  }

  // ------------------------------------------------------------------ partition

  @Test
  @Order(5)
  void aPartitionBothWaysGivesTwoMastersAndHealingLeavesOneWithinMasterDownInterval()
      throws Exception {
    SettledPair.Marks marks = pair.mark();
    FaultNode lb1 = pair.master;
    FaultNode lb2 = pair.backup;
    AdvertLoss toLb1 = AdvertLoss.all(lb1Host);
    AdvertLoss toLb2 = AdvertLoss.all(lb2Host);
    SettledPair.Marks healed;
    try {
      lb2.awaitEntering("MASTER", marks.backup(), Duration.ofSeconds(8));
      // split brain is what a partition must give: each side serves the VIP alone
      assertThat(lb1.holdsVip()).as("lb1 holds the VIP while partitioned").isTrue();
      assertThat(lb2.holdsVip()).as("lb2 holds the VIP while partitioned").isTrue();
      assertThat(toLb2.dropped()).as("adverts lb2 lost").isPositive();
    } finally {
      healed = pair.mark();
      toLb1.stop();
      toLb2.stop();
    }
    // lb1's next advert, or its immediate answer to lb2's lower-priority one, sends lb2 back
    lb2.awaitEntering("BACKUP", healed.backup(), MASTER_DOWN_90);
    pair.assertOneHolder(Duration.ofSeconds(1));
    assertThat(lb1.transitionsSince(marks.master())).as("lb1 never left MASTER").isEmpty();
    // the loser's second GARP burst (garp_master_delay 5 s after it became MASTER) must not go out
    // now
    long lb2Garps = garps.from(lb2Host);
    assertNever(
        () -> garps.from(lb2Host) > lb2Garps,
        Duration.ofSeconds(6),
        "a GARP from lb2 after it stepped down");
    pair.assertSettled("partition both ways, healed", marks);
  }

  // ------------------------------------------------------------------ stop

  @Test
  @Order(6)
  void stoppingBothLeavesNoVipAndNoPidFile() throws Exception {
    FaultNode lb1 = pair.master;
    FaultNode lb2 = pair.backup;
    lb2.stopGracefully();
    pair.assertOneHolder(Duration.ofSeconds(1));
    lb1.stopGracefully();
    assertThat(lb1.holdsVip() || lb2.holdsVip()).as("a VIP left behind").isFalse();
  }

  // ------------------------------------------------------------------ wall clock

  /**
   * Both nodes' wall clock jumps an hour ahead, then two hours back, while lb1 is MASTER. Timers on
   * the wall clock would show it: +1 h makes lb2's Master_Down_Timer look long expired (a takeover
   * at once), -1 h makes lb1's Adver_Timer wait an hour (adverts stop, lb2 takes over after 3.6 s).
   * Timers on the monotonic clock see nothing: no transition, adverts a second apart at the client
   * throughout.
   */
  @Test
  @Order(7)
  void aWallClockStepOfAnHourEitherWayChangesNoStateAndNoAdvertInterval() throws Exception {
    java.util.Optional<java.nio.file.Path> library = SteppedClock.library();
    Privileges.assumeThat(
        library.isPresent(), "needs libfaketime (Debian package faketime; .ci/run installs it)");
    SteppedClock clock =
        SteppedClock.create(library.get(), lan.host("lb1").file("faketime-offset"));
    SettledPair stepped = startSettledPair(clock.environment());
    FaultNode lb1 = stepped.master;
    FaultNode lb2 = stepped.backup;
    SettledPair.Marks marks = stepped.mark();
    NetnsProcess adverts =
        client.start(NetnsHost.javaCommand(WireTool.class.getName(), "listen", "eth0", "14000"));
    adverts.awaitOutput(out -> out.contains("READY"), Duration.ofSeconds(20), "advert listener");

    clock.stepTo("+1h");
    assertNever(
        () ->
            !lb1.transitionsSince(marks.master()).isEmpty()
                || !lb2.transitionsSince(marks.backup()).isEmpty(),
        Duration.ofSeconds(5),
        "a transition after the wall clock stepped +1 h");
    clock.stepTo("-1h");
    assertNever(
        () ->
            !lb1.transitionsSince(marks.master()).isEmpty()
                || !lb2.transitionsSince(marks.backup()).isEmpty(),
        Duration.ofSeconds(5),
        "a transition after the wall clock stepped back 2 h");
    adverts.awaitExit(Duration.ofSeconds(15));
    List<Long> heard = advertTimes(adverts.output(), lb1Host.address().toString());
    assertThat(heard).as("adverts from lb1 at the client").hasSizeGreaterThanOrEqualTo(11);
    for (int i = 1; i < heard.size(); i++) {
      assertThat(heard.get(i) - heard.get(i - 1))
          .as("gap before advert #" + i + " (µs), all: " + heard)
          .isBetween(700_000L, 1_300_000L);
    }
    stepped.assertSettled("wall clock stepped +1 h then -2 h", marks);

    // The step did reach both JVMs: the times they print on the way out are an hour behind the real
    // clock.
    long realBefore = epochMicros();
    FaultNode.Transition resigned = lb1.stopGracefully();
    FaultNode.Transition takeover =
        lb2.awaitEntering("MASTER", marks.backup(), Duration.ofSeconds(3));
    assertThat(resigned.wallMicros() - realBefore)
        .as("lb1's wall clock offset (µs)")
        .isBetween(-3_660_000_000L, -3_540_000_000L);
    assertThat(takeover.wallMicros() - realBefore)
        .as("lb2's wall clock offset (µs)")
        .isBetween(-3_660_000_000L, -3_540_000_000L);
    lb2.stopGracefully();
  }

  /**
   * When the client heard each advert from {@code source} ({@link WireTool}'s listen lines), epoch
   * µs.
   */
  private static List<Long> advertTimes(String listenOutput, String source) {
    return listenOutput
        .lines()
        .filter(line -> line.startsWith("PACKET " + source + " "))
        .map(line -> Long.parseLong(line.substring(line.lastIndexOf("t=") + 2).trim()))
        .toList();
  }

  // ------------------------------------------------------------------ helpers

  static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  interface Check {
    boolean holds() throws IOException;
  }

  /** Polls {@code check} until it holds, failing after {@code timeout}. */
  static void await(Check check, Duration timeout, String what) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no " + what + " within " + timeout);
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  /** Watches {@code check} for the whole of {@code window} and fails as soon as it holds. */
  static void assertNever(Check check, Duration window, String what) throws IOException {
    long deadline = System.nanoTime() + window.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (check.holds()) {
        throw new AssertionError(what + " within " + window);
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }
}
