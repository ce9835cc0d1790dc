package org.ha4j.vrrp.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.junit.jupiter.api.Test;

/** Which due times the horizon queues, given now, the horizon, the interval and the room. */
class AdvertHorizonTest {

  static final long MS = 1_000_000L;
  static final VrrpAdvertisement ADVERT =
      VrrpAdvertisement.v3(51, 100, 2, List.of(Ipv4Address.parse("10.200.0.100")));
  static final VrrpAdvertisement LOWER =
      VrrpAdvertisement.v3(51, 90, 2, List.of(Ipv4Address.parse("10.200.0.100")));

  final List<String> calls = new ArrayList<>();
  long horizon = 100 * MS;
  int room = 64;

  final AdvertQueue queue =
      new AdvertQueue() {
        @Override
        public long horizonNanos() {
          return horizon;
        }

        @Override
        public int room() {
          return room;
        }

        @Override
        public void prepare(VrrpAdvertisement advertisement) {
          calls.add("prepare " + advertisement.priority());
        }

        @Override
        public void queue(long dueNanos) {
          calls.add("queue " + dueNanos / MS);
          room--;
        }

        @Override
        public void submit() {
          calls.add("submit");
        }

        @Override
        public int reap() {
          return 0;
        }

        @Override
        public void cancel() {
          calls.add("cancel");
        }
      };

  final AdvertHorizon horizonOf = new AdvertHorizon(queue);

  @Test
  void queuesEveryDueTimeUpToTheHorizon() throws Exception {
    assertThat(horizonOf.refill(ADVERT, 1_000 * MS, 1_020 * MS, 20 * MS)).isEqualTo(5);
    assertThat(calls)
        .containsExactly(
            "prepare 100",
            "queue 1020",
            "queue 1040",
            "queue 1060",
            "queue 1080",
            "queue 1100",
            "submit");
    assertThat(horizonOf.covers(ADVERT, 1_100 * MS)).isTrue();
    assertThat(horizonOf.covers(ADVERT, 1_101 * MS)).as("ran dry after 1100").isFalse();
    assertThat(horizonOf.covers(LOWER, 1_050 * MS)).as("other content").isFalse();
  }

  @Test
  void eachTickAddsOnlyWhatIsNewAndKeepsTheContentPrepared() throws Exception {
    horizonOf.refill(ADVERT, 1_000 * MS, 1_020 * MS, 20 * MS);
    calls.clear();
    assertThat(horizonOf.refill(ADVERT, 1_020 * MS, 1_040 * MS, 20 * MS)).isEqualTo(1);
    assertThat(calls).containsExactly("queue 1120", "submit");
  }

  @Test
  void aHorizonShorterThanAnIntervalStillQueuesTheNextTwoAdverts() throws Exception {
    horizon = 5 * MS;
    // two: when the tick due at 1020 runs, 1040 is still queued, so covers() sees its advert sent
    assertThat(horizonOf.refill(ADVERT, 1_000 * MS, 1_020 * MS, 20 * MS)).isEqualTo(2);
    assertThat(calls).contains("queue 1020", "queue 1040");
    assertThat(horizonOf.covers(ADVERT, 1_020 * MS + MS / 3)).isTrue();
  }

  @Test
  void aReanchoredCadenceContinuesAfterTheLastQueuedTime() throws Exception {
    horizonOf.refill(ADVERT, 1_000 * MS, 1_020 * MS, 20 * MS); // through 1100
    calls.clear();
    // the driver's thread woke 45 ms late: the pacer restarts the cadence from 1065 + 20
    horizonOf.refill(ADVERT, 1_065 * MS, 1_085 * MS, 20 * MS);
    assertThat(calls)
        .containsExactly("queue 1105", "queue 1125", "queue 1145", "queue 1165", "submit");
  }

  @Test
  void theRoomBoundsWhatIsQueued() throws Exception {
    room = 2;
    assertThat(horizonOf.refill(ADVERT, 1_000 * MS, 1_020 * MS, 20 * MS)).isEqualTo(2);
    assertThat(horizonOf.covers(ADVERT, 1_041 * MS)).isFalse();
  }

  @Test
  void newContentWithdrawsTheOldFirst() throws Exception {
    horizonOf.refill(ADVERT, 1_000 * MS, 1_020 * MS, 20 * MS);
    calls.clear();
    assertThat(horizonOf.conflicts(LOWER)).isTrue();
    horizonOf.refill(LOWER, 1_010 * MS, 1_030 * MS, 20 * MS);
    assertThat(calls).startsWith("cancel", "prepare 90", "queue 1030");
  }

  @Test
  void cancelIsIdleWithNothingQueuedAndAZeroHorizonQueuesNothing() throws Exception {
    horizonOf.cancel();
    horizon = 0;
    assertThat(horizonOf.refill(ADVERT, 1_000 * MS, 1_020 * MS, 20 * MS)).isZero();
    assertThat(calls).isEmpty();
    assertThat(horizonOf.enabled()).isFalse();
  }
}
