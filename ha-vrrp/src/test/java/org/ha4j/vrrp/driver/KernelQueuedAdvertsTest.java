package org.ha4j.vrrp.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.core.time.VirtualScheduler;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.ha4j.vrrp.testing.NoVirtualAddresses;
import org.junit.jupiter.api.Test;

/**
 * A master whose adverts the kernel sends from a queue kept {@link AdvertHorizon horizon} ahead, in
 * virtual time: the fake kernel below sends each queued advert at its due time whether or not the
 * driver's thread runs, and a cancel withdraws what is not due yet. What reaches the wire is what
 * the driver sent itself plus what the fake kernel sent.
 */
class KernelQueuedAdvertsTest {

  static final long MS = 1_000_000L;
  static final long INTERVAL = 20 * MS;
  static final long HORIZON = 500 * MS;
  static final Ipv4Address PEER = Ipv4Address.parse("10.200.0.11");

  record OnWire(long at, int priority, String by) {}

  final VirtualScheduler clock = new VirtualScheduler();

  final StallingScheduler stalling = new StallingScheduler(clock);

  final List<OnWire> wire = new ArrayList<>();

  /** The kernel's side: what is queued, sent when due, withdrawn by a cancel. */
  final class FakeKernel implements AdvertQueue {
    final long horizon;
    final TreeMap<Long, VrrpAdvertisement> queued = new TreeMap<>();
    VrrpAdvertisement prepared;
    int cancels;
    int submits;

    FakeKernel(long horizon) {
      this.horizon = horizon;
    }

    /** Everything due by now went out at its due time. */
    void sendDue() {
      while (!queued.isEmpty() && queued.firstKey() <= clock.nanoTime()) {
        Map.Entry<Long, VrrpAdvertisement> due = queued.pollFirstEntry();
        wire.add(new OnWire(due.getKey(), due.getValue().priority(), "kernel"));
      }
    }

    @Override
    public long horizonNanos() {
      return horizon;
    }

    @Override
    public int room() {
      return 64 - queued.size();
    }

    @Override
    public void prepare(VrrpAdvertisement advertisement) {
      sendDue();
      assertThat(queued).as("new content only once nothing is queued").isEmpty();
      prepared = advertisement;
    }

    @Override
    public void queue(long dueNanos) {
      assertThat(queued).doesNotContainKey(dueNanos);
      queued.put(dueNanos, prepared);
    }

    @Override
    public void submit() {
      submits++;
    }

    @Override
    public int reap() {
      sendDue();
      return 0;
    }

    @Override
    public void cancel() {
      sendDue();
      queued.clear();
      cancels++;
    }
  }

  VrrpDriver driver;
  FakeKernel kernel;
  long becameMaster;

  void master(long horizon) {
    VrrpRouterConfig config =
        VrrpRouterConfig.builder()
            .instanceName("VI_1")
            .virtualRouterId(51)
            .priority(100)
            .version(3)
            .advertInterval(Duration.ofNanos(INTERVAL))
            .primaryAddress(Ipv4Address.parse("10.200.0.10"))
            .addVirtualAddress(Ipv4Cidr.parse("10.200.0.100/24"))
            .track("chk", -20)
            .build();
    kernel = new FakeKernel(horizon);
    driver =
        VrrpDriver.builder(VrrpStateMachine.create(config))
            .scheduler(stalling)
            .adverts(
                advert -> {
                  kernel.sendDue();
                  wire.add(new OnWire(clock.nanoTime(), advert.priority(), "java"));
                })
            .advertQueue(horizon > 0 ? kernel : AdvertQueue.NONE)
            .addresses(new NoVirtualAddresses())
            .announcer((addresses, repeat) -> {})
            .build();
    driver.handle(VrrpInput.start());
    clock.runNext(); // Master_Down_Timer
    assertThat(driver.snapshot().state()).isEqualTo(VrrpState.MASTER);
    becameMaster = clock.nanoTime();
  }

  /** The wire up to {@code until}, in time order. */
  List<OnWire> wireUntil(long until) {
    clock.advanceTo(until);
    kernel.sendDue();
    List<OnWire> sorted = new ArrayList<>(wire);
    sorted.sort((a, b) -> Long.compare(a.at(), b.at()));
    return sorted;
  }

  static long largestGap(List<OnWire> adverts) {
    long gap = 0;
    for (int i = 1; i < adverts.size(); i++) {
      gap = Math.max(gap, adverts.get(i).at() - adverts.get(i - 1).at());
    }
    return gap;
  }

  @Test
  void theFirstAdvertGoesOutNowAndTheKernelSendsTheRestOnTheCadence() {
    master(HORIZON);
    assertThat(kernel.queued.firstKey()).isEqualTo(becameMaster + INTERVAL);
    assertThat(kernel.queued.lastKey()).isEqualTo(becameMaster + HORIZON);

    List<OnWire> adverts = wireUntil(becameMaster + 50 * INTERVAL);
    assertThat(adverts.stream().filter(a -> a.by().equals("java")))
        .as("the driver sent only the first; each timer tick topped the queue up")
        .containsExactly(new OnWire(becameMaster, 100, "java"));
    assertThat(adverts).hasSize(51);
    for (int i = 0; i < adverts.size(); i++) {
      assertThat(adverts.get(i).at()).isEqualTo(becameMaster + i * INTERVAL);
    }
    assertThat(kernel.queued.lastKey()).isEqualTo(becameMaster + 50 * INTERVAL + HORIZON);
  }

  @Test
  void aStallShorterThanTheHorizonLeavesNoGapOnTheWire() {
    master(HORIZON);
    clock.advanceTo(becameMaster + 5 * INTERVAL);
    stalling.delayNextTimer(200 * MS); // the next tick comes 200 ms late
    List<OnWire> adverts = wireUntil(becameMaster + 40 * INTERVAL);
    assertThat(largestGap(adverts)).isEqualTo(INTERVAL);
    assertThat(adverts.stream().filter(a -> a.by().equals("java"))).hasSize(1);
  }

  @Test
  void lateTicksKeepTheCadenceSoTheKernelSendsNoExtraAdvert() {
    master(HORIZON);
    for (int i = 1; i <= 10; i++) {
      clock.advanceTo(becameMaster + 5 * i * INTERVAL);
      stalling.delayNextTimer(
          45 * MS + i * MS); // more than an interval late, each time differently
    }
    List<OnWire> adverts = wireUntil(becameMaster + 80 * INTERVAL);
    assertThat(adverts).hasSize(81);
    for (int i = 0; i < adverts.size(); i++) {
      assertThat(adverts.get(i).at()).isEqualTo(becameMaster + i * INTERVAL);
    }
  }

  @Test
  void withoutAQueueTheSameStallIsAGapAsLongOnTheWire() {
    master(0);
    clock.advanceTo(becameMaster + 5 * INTERVAL);
    stalling.delayNextTimer(200 * MS);
    List<OnWire> adverts = wireUntil(becameMaster + 40 * INTERVAL);
    assertThat(largestGap(adverts)).isGreaterThanOrEqualTo(200 * MS);
  }

  @Test
  void aStallLongerThanTheHorizonStopsTheAdvertsThenTheDriverResumes() {
    master(HORIZON);
    clock.advanceTo(becameMaster + 5 * INTERVAL);
    stalling.delayNextTimer(
        2_000 * MS); // the tick after next is 2 s late: the backup must take over
    long hungUntil = becameMaster + 7 * INTERVAL + 2_000 * MS;
    List<OnWire> adverts = wireUntil(hungUntil + 10 * INTERVAL);
    long lastBeforeResume =
        adverts.stream().filter(a -> a.at() < hungUntil).mapToLong(OnWire::at).max().orElseThrow();
    assertThat(lastBeforeResume).isEqualTo(becameMaster + 6 * INTERVAL + HORIZON);
    assertThat(adverts)
        .as("the driver sends the overdue advert itself and queues again")
        .contains(new OnWire(hungUntil, 100, "java"));
    assertThat(adverts.stream().filter(a -> a.at() > hungUntil))
        .allSatisfy(a -> assertThat(a.by()).isEqualTo("kernel"))
        .hasSize(10);
  }

  @Test
  void aPriorityChangeWithdrawsTheQueuedAdvertsBeforeTheNewPriorityGoesOut() {
    master(HORIZON);
    long changed = becameMaster + 10 * INTERVAL + 5 * MS;
    clock.advanceTo(changed);
    driver.handle(VrrpInput.health("chk", org.ha4j.core.health.HealthStatus.DOWN));
    List<OnWire> adverts = wireUntil(changed + 30 * INTERVAL);
    assertThat(adverts.stream().filter(a -> a.at() > changed))
        .isNotEmpty()
        .allSatisfy(a -> assertThat(a.priority()).isEqualTo(80));
    assertThat(largestGap(adverts)).isLessThanOrEqualTo(INTERVAL);
  }

  @Test
  void theResignationGoesOutAfterTheQueueIsWithdrawnAndNothingFollowsIt() {
    master(HORIZON);
    long stopped = becameMaster + 10 * INTERVAL + 5 * MS;
    clock.advanceTo(stopped);
    driver.stop();
    List<OnWire> adverts = wireUntil(stopped + 30 * INTERVAL);
    OnWire last = adverts.get(adverts.size() - 1);
    assertThat(last).isEqualTo(new OnWire(stopped, 0, "java"));
    assertThat(kernel.queued).isEmpty();
  }

  @Test
  void steppingDownToBackupWithdrawsTheQueue() {
    master(HORIZON);
    long heard = becameMaster + 10 * INTERVAL + 5 * MS;
    clock.advanceTo(heard);
    driver.handle(
        VrrpInput.advertisement(
            PEER, VrrpAdvertisement.v3(51, 200, 100, List.of(Ipv4Address.parse("10.200.0.100")))));
    assertThat(driver.snapshot().state()).isEqualTo(VrrpState.BACKUP);
    List<OnWire> adverts = wireUntil(heard + 30 * INTERVAL);
    assertThat(adverts.get(adverts.size() - 1).at()).isLessThanOrEqualTo(heard);
    assertThat(kernel.queued).isEmpty();
  }
}
