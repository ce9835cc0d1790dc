package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.linux.Errno;
import org.ha4j.core.linux.NativeCallException;
import org.ha4j.core.linux.ScheduledSender;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.driver.AdvertQueue;
import org.junit.jupiter.api.Test;

/** The horizon setting, and the fallback where the kernel refuses io_uring. */
class KernelPacedAdvertsTest {

  @Test
  void theHorizonIs500MillisecondsUnlessSet() {
    assertThat(KernelPacedAdverts.horizonMillis(null)).isEqualTo(500);
    assertThat(KernelPacedAdverts.horizonMillis(" ")).isEqualTo(500);
    assertThat(KernelPacedAdverts.horizonMillis("0")).isZero();
    assertThat(KernelPacedAdverts.horizonMillis("250")).isEqualTo(250);
  }

  @Test
  void aHorizonOutsideTheRangeIsNamed() {
    for (String bad : new String[] {"-1", "60001", "half"}) {
      assertThatThrownBy(() -> KernelPacedAdverts.horizonMillis(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ha4j.vrrp.advertHorizonMillis")
          .hasMessageContaining("0 (off) or milliseconds up to 60000")
          .hasMessageContaining(bad);
    }
  }

  @Test
  void whereTheKernelRefusesIoUringTheProtocolThreadSendsAsBefore() {
    AdvertQueue queue =
        KernelPacedAdverts.open(
            "VI_1",
            entries -> {
              throw new NativeCallException("io_uring_setup(256)", Errno.EPERM, "refused");
            },
            advert -> new byte[0][],
            new IpAddress[] {IpAddress.parse("224.0.0.18")});
    assertThat(queue).isSameAs(AdvertQueue.NONE);
    assertThat(queue.horizonNanos()).isZero();
  }

  /** The sender's side as the queue sees it: what was asked, and how the kernel answers. */
  static final class FakeSender implements ScheduledSender {
    final List<String> calls = new ArrayList<>();
    int outstanding;
    boolean confirmCancel = true;
    int failuresOnNextRead;
    boolean closed;

    @Override
    public void prepare(byte[][] payloads, IpAddress[] destinations) {
      calls.add("prepare " + destinations.length);
    }

    @Override
    public int room() {
      return 10;
    }

    @Override
    public void queue(long dueNanos) {
      outstanding += 2;
    }

    @Override
    public void submit() {}

    @Override
    public int reap(Failures failures) {
      int failed = failuresOnNextRead;
      for (int i = 0; i < failed; i++) {
        failures.failed(0, Errno.ENOBUFS);
      }
      failuresOnNextRead = 0;
      return failed;
    }

    @Override
    public boolean cancelAll(Duration timeout, Failures failures) {
      calls.add("cancel");
      reap(failures);
      if (confirmCancel) {
        outstanding = 0;
      }
      return confirmCancel;
    }

    @Override
    public int outstanding() {
      return outstanding;
    }

    @Override
    public long sent() {
      return 0;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  static final VrrpAdvertisement ADVERT =
      VrrpAdvertisement.v3(51, 100, 2, List.of(Ipv4Address.parse("10.200.0.100")));

  private static KernelPacedAdverts queueOn(FakeSender sender) {
    return (KernelPacedAdverts)
        KernelPacedAdverts.open(
            "VI_1",
            entries -> sender,
            advert -> new byte[][] {new byte[8]},
            new IpAddress[] {IpAddress.parse("224.0.0.18")});
  }

  @Test
  void aWithdrawalTheKernelDoesNotConfirmClosesTheQueueAndHandsBackToTheProtocolThread() {
    FakeSender sender = new FakeSender();
    KernelPacedAdverts queue = queueOn(sender);
    assertThat(queue.horizonNanos()).isEqualTo(500_000_000L);
    queue.prepare(ADVERT);
    queue.queue(1);
    sender.confirmCancel = false;
    queue.cancel();
    assertThat(sender.closed).isTrue();
    assertThat(queue.horizonNanos()).as("the driver sends every advert itself now").isZero();
    assertThat(queue.room()).isZero();
  }

  @Test
  void failedSendsReadDuringAWithdrawalAreCountedAtTheNextReap() {
    FakeSender sender = new FakeSender();
    KernelPacedAdverts queue = queueOn(sender);
    queue.prepare(ADVERT);
    queue.queue(1);
    sender.failuresOnNextRead = 2;
    queue.cancel();
    assertThat(queue.reap()).isEqualTo(2);
    assertThat(queue.reap()).isZero();
    assertThat(sender.closed).isFalse();
  }

  @Test
  void retargetingWithdrawsAndClosesTheOldQueueFirst() {
    FakeSender old = new FakeSender();
    FakeSender fresh = new FakeSender();
    KernelPacedAdverts queue = queueOn(old);
    queue.prepare(ADVERT);
    queue.queue(1);
    queue.retarget(
        entries -> fresh,
        advert -> new byte[][] {new byte[8], new byte[8]},
        new IpAddress[] {IpAddress.parse("10.200.0.11"), IpAddress.parse("10.200.0.12")});
    assertThat(old.calls).containsExactly("prepare 1", "cancel");
    assertThat(old.closed).isTrue();
    queue.prepare(ADVERT);
    assertThat(fresh.calls).containsExactly("prepare 2");
  }
}
