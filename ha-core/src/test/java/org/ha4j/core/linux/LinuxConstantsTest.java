package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The asm-generic values x86-64 and aarch64 share, as the headers spell them (octal where they are
 * octal), for the calls whose flags differ on other architectures (O_NONBLOCK is 0x80 on mips and
 * alpha, for instance).
 */
class LinuxConstantsTest {

  @Test
  void openFlagsAreAsmGenerics() {
    assertThat(LinuxConstants.Fcntl.O_NONBLOCK).isEqualTo(04000); // <asm-generic/fcntl.h>
    assertThat(LinuxConstants.Fcntl.O_CLOEXEC).isEqualTo(02000000);
    assertThat(LinuxConstants.Socket.SOCK_NONBLOCK).isEqualTo(LinuxConstants.Fcntl.O_NONBLOCK);
    assertThat(LinuxConstants.Socket.SOCK_CLOEXEC).isEqualTo(LinuxConstants.Fcntl.O_CLOEXEC);
    assertThat(LinuxConstants.Epoll.EPOLL_CLOEXEC).isEqualTo(LinuxConstants.Fcntl.O_CLOEXEC);
    assertThat(LinuxConstants.Epoll.EFD_NONBLOCK).isEqualTo(LinuxConstants.Fcntl.O_NONBLOCK);
    assertThat(LinuxConstants.Fcntl.F_SETPIPE_SZ).isEqualTo(1024 + 7); // F_LINUX_SPECIFIC_BASE + 7
  }

  @Test
  void epollBitsAreTheUapiOnes() {
    assertThat(EpollSet.IN).isEqualTo(0x001); // <linux/eventpoll.h>
    assertThat(EpollSet.OUT).isEqualTo(0x004);
    assertThat(EpollSet.ERR).isEqualTo(0x008);
    assertThat(EpollSet.HUP).isEqualTo(0x010);
    assertThat(EpollSet.RDHUP).isEqualTo(0x2000);
    assertThat(EpollSet.ET).isEqualTo(0x80000000);
  }

  @Test
  void socketLevelOptionsAreAsmGenerics() {
    assertThat(LinuxConstants.Socket.SOL_SOCKET)
        .isEqualTo(1); // 0xffff on mips, sparc, alpha, parisc
    assertThat(LinuxConstants.Socket.SO_BINDTODEVICE).isEqualTo(25);
    assertThat(LinuxConstants.Socket.SO_RCVBUF).isEqualTo(8);
  }

  @Test
  void unixDatagramAndTheMonotonicClockAreTheGenericValues() {
    assertThat(LinuxConstants.Socket.AF_UNIX).isEqualTo(1); // <bits/socket.h> PF_LOCAL
    assertThat(LinuxConstants.Socket.SOCK_DGRAM).isEqualTo(2); // 1 on mips
    assertThat(LinuxConstants.Time.CLOCK_MONOTONIC).isEqualTo(1); // <linux/time.h>
  }
}
