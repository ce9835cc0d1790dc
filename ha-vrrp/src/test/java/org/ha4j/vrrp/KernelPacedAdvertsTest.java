package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.ha4j.core.linux.Errno;
import org.ha4j.core.linux.NativeCallException;
import org.ha4j.core.net.IpAddress;
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
}
