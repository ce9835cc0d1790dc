package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.ha4j.core.testing.Privileges;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The epoll set and the non-blocking calls against the real kernel, with the running architecture's
 * layout.
 */
@Timeout(30)
class EpollSetTest {

  private Architecture arch;

  @BeforeEach
  void knownArchitecture() {
    Privileges.assumeThat(
        Architecture.current().isPresent(),
        "no epoll_event layout for " + System.getProperty("os.arch"));
    arch = Architecture.current().orElseThrow();
  }

  private static ByteBuffer direct(byte... bytes) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
    buffer.put(bytes).flip();
    return buffer;
  }

  @Test
  void aReadyDescriptorComesBackWithItsTag() throws Exception {
    try (EpollSet set = EpollSet.open(arch, 8);
        Pipe pipe = Pipe.open(0)) {
      long tag = 0x7fed_cba9_8765_4321L;
      set.add(pipe.readFd(), EpollSet.IN | EpollSet.ET, tag);
      assertThat(set.await(0)).isZero();
      assertThat(NonBlockingIo.write(pipe.writeFd(), direct((byte) 1, (byte) 2))).isEqualTo(2);
      assertThat(set.await(5_000)).isEqualTo(1);
      assertThat(set.ready(0)).isEqualTo(tag);
    }
  }

  @Test
  void aLayoutTheKernelDoesNotUseLosesTheTag() throws Exception {
    // The round trip above is what catches a wrong layout; here is one, caught. The wrong layout
    // must be the
    // larger one (aarch64's on x86-64), or the kernel would write past the end of the event array.
    EpollEventLayout wrong =
        arch == Architecture.X86_64
            ? Architecture.AARCH64.epollEvent()
            : new EpollEventLayout(24, 0, 12);
    try (EpollSet set = EpollSet.open(wrong, 8);
        Pipe pipe = Pipe.open(0)) {
      long tag = 0x7fed_cba9_8765_4321L;
      set.add(pipe.readFd(), EpollSet.IN | EpollSet.ET, tag);
      NonBlockingIo.write(pipe.writeFd(), direct((byte) 1));
      int n = set.await(1_000);
      assertThat(n == 1 && set.ready(0) == tag).isFalse();
    }
  }

  @Test
  void wakeUpEndsAnUnboundedWait() throws Exception {
    try (EpollSet set = EpollSet.open(arch, 8)) {
      Thread waker = new Thread(set::wakeUp);
      waker.start();
      assertThat(set.await(-1)).isZero();
      waker.join();
      assertThat(set.await(0)).as("the wake-up was consumed").isZero();
    }
  }

  @Test
  void tagZeroIsRefusedAndAFailedCallNamesItself() throws Exception {
    try (EpollSet set = EpollSet.open(arch, 1)) {
      assertThatThrownBy(() -> set.add(0, EpollSet.IN, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tag 0");
      assertThatThrownBy(() -> set.add(-1, EpollSet.IN, 1))
          .isInstanceOf(NativeCallException.class)
          .hasMessageContaining("epoll_ctl(ADD, fd -1)")
          .hasMessageContaining("errno " + Errno.EBADF);
    }
    assertThatThrownBy(() -> EpollSet.open(arch, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 1");
  }

  @Test
  void spliceMovesBytesBetweenPipesAndWouldBlockIsAValue() throws Exception {
    try (Pipe a = Pipe.open(0);
        Pipe b = Pipe.open(1 << 20)) {
      ByteBuffer data = direct(new byte[] {1, 2, 3, 4, 5});
      assertThat(NonBlockingIo.write(a.writeFd(), data)).isEqualTo(5);
      assertThat(data.remaining()).isZero();
      assertThat(NonBlockingIo.splice(a.readFd(), b.writeFd(), 1024)).isEqualTo(5);
      assertThat(NonBlockingIo.splice(a.readFd(), b.writeFd(), 1024))
          .isEqualTo(NonBlockingIo.WOULD_BLOCK);
      assertThatThrownBy(() -> NonBlockingIo.splice(-1, b.writeFd(), 1))
          .isInstanceOf(NativeCallException.class)
          .hasMessageContaining("splice(fd -1 -> fd " + b.writeFd() + ")")
          .satisfies(e -> assertThat(((NativeCallException) e).errno()).isEqualTo(Errno.EBADF));
    }
  }
}
