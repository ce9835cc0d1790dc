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
  void ioUringValuesAreTheUapiOnes() {
    // the generic syscall table: x86-64 and aarch64 share every number from 424 on
    assertThat(LinuxConstants.IoUring.SYS_IO_URING_SETUP).isEqualTo(425);
    assertThat(LinuxConstants.IoUring.SYS_IO_URING_ENTER).isEqualTo(426);
    // <linux/io_uring.h>: enum io_uring_op, the IOSQE_*_BIT enum, the flag words
    assertThat(LinuxConstants.IoUring.IORING_OP_NOP).isZero();
    assertThat(LinuxConstants.IoUring.IORING_OP_SENDMSG).isEqualTo(9);
    assertThat(LinuxConstants.IoUring.IORING_OP_TIMEOUT).isEqualTo(11);
    assertThat(LinuxConstants.IoUring.IORING_OP_ASYNC_CANCEL).isEqualTo(14);
    assertThat(LinuxConstants.IoUring.IOSQE_IO_LINK).isEqualTo(1 << 2); // IOSQE_IO_LINK_BIT 2
    assertThat(LinuxConstants.IoUring.IORING_TIMEOUT_ABS).isEqualTo(1);
    assertThat(LinuxConstants.IoUring.IORING_TIMEOUT_ETIME_SUCCESS).isEqualTo(1 << 5);
    assertThat(LinuxConstants.IoUring.IORING_ASYNC_CANCEL_ALL).isEqualTo(1);
    assertThat(LinuxConstants.IoUring.IORING_ASYNC_CANCEL_ANY).isEqualTo(1 << 2);
    assertThat(LinuxConstants.IoUring.IORING_OFF_CQ_RING).isEqualTo(0x8000000L);
    assertThat(LinuxConstants.IoUring.IORING_OFF_SQES).isEqualTo(0x10000000L);
    assertThat(LinuxConstants.Mman.MAP_SHARED).isEqualTo(1); // <asm-generic/mman-common.h>
    assertThat(LinuxConstants.Mman.MAP_POPULATE).isEqualTo(0x8000);
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
