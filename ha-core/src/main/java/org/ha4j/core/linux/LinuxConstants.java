package org.ha4j.core.linux;

/**
 * Linux constants used by the native layer, grouped by the C header that defines them. Values are
 * those of the x86_64 and arm64 UAPI and glibc headers (they agree for everything here); {@code
 * LinuxConstantsTest} pins them.
 */
final class LinuxConstants {

  private LinuxConstants() {}

  /** {@code <sys/socket.h>}, {@code <asm-generic/socket.h>}. */
  static final class Socket {
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0_4000;
    static final int SOCK_CLOEXEC = 0_2000000;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;
    static final int SO_BINDTODEVICE = 25;
    static final int SHUT_WR = 1;

    /** Route the packet, build nothing, send nothing ({@code ip_append_data} returns early). */
    static final int MSG_PROBE = 0x10;

    static final int MSG_DONTWAIT = 0x40;

    private Socket() {}
  }

  /** {@code <netinet/in.h>}, {@code <linux/in.h>}. */
  static final class In {
    static final int IPPROTO_IP = 0;
    static final int IP_TOS = 1;
    static final int IP_TTL = 2;
    static final int IP_FREEBIND = 15;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IP_DROP_MEMBERSHIP = 36;
    static final int IP_MULTICAST_ALL = 49;

    private In() {}
  }

  /** {@code <netinet/in.h>}, {@code <linux/in6.h>}, {@code <linux/ipv6.h>}. */
  static final class In6 {
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_ICMPV6 = 58;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_RECVHOPLIMIT = 51;
    static final int IPV6_HOPLIMIT = 52;
    static final int IPV6_FREEBIND = 78;

    private In6() {}
  }

  /** {@code <fcntl.h>}, {@code <asm-generic/fcntl.h>}. */
  static final class Fcntl {
    static final int O_NONBLOCK = 0_4000;
    static final int O_CLOEXEC = 0_2000000;
    static final int F_SETPIPE_SZ = 1031;
    static final int SPLICE_F_MOVE = 1;
    static final int SPLICE_F_NONBLOCK = 2;

    private Fcntl() {}
  }

  /**
   * {@code <sys/epoll.h>}, {@code <sys/eventfd.h>}: the flags are those of open(2), as the headers
   * define them.
   */
  static final class Epoll {
    static final int EPOLL_CLOEXEC = Fcntl.O_CLOEXEC;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EFD_NONBLOCK = Fcntl.O_NONBLOCK;
    static final int EFD_CLOEXEC = Fcntl.O_CLOEXEC;

    private Epoll() {}
  }

  /** {@code <signal.h>}, {@code <sys/prctl.h>}, {@code <sys/wait.h>}. */
  static final class Process {
    static final int PR_SET_CHILD_SUBREAPER = 36;
    static final int WNOHANG = 1;

    private Process() {}
  }

  /** {@code <time.h>}, {@code <linux/time.h>}. */
  static final class Time {
    static final int CLOCK_MONOTONIC = 1;

    private Time() {}
  }

  /**
   * {@code <linux/io_uring.h>}. The syscall numbers are those of the generic table, which x86_64
   * and arm64 share from 424 on.
   */
  static final class IoUring {
    static final int SYS_IO_URING_SETUP = 425;
    static final int SYS_IO_URING_ENTER = 426;
    static final int IORING_ENTER_GETEVENTS = 1;
    static final long IORING_OFF_SQ_RING = 0L;
    static final long IORING_OFF_CQ_RING = 0x8000000L;
    static final long IORING_OFF_SQES = 0x10000000L;
    static final int IORING_FEAT_SINGLE_MMAP = 1;
    static final int IORING_OP_NOP = 0;
    static final int IORING_OP_SENDMSG = 9;
    static final int IORING_OP_TIMEOUT = 11;
    static final int IORING_OP_ASYNC_CANCEL = 14;
    static final int IOSQE_IO_LINK = 1 << 2;
    static final int IORING_TIMEOUT_ABS = 1;
    static final int IORING_TIMEOUT_ETIME_SUCCESS = 1 << 5;
    static final int IORING_ASYNC_CANCEL_ALL = 1;
    static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;

    private IoUring() {}
  }

  /** {@code <sys/mman.h>}, {@code <asm-generic/mman-common.h>}. */
  static final class Mman {
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_POPULATE = 0x8000;

    private Mman() {}
  }

  /** {@code <poll.h>}. */
  static final class Poll {
    static final short POLLIN = 0x001;

    private Poll() {}
  }

  /** {@code <linux/netlink.h>}. */
  static final class Netlink {
    static final int NETLINK_ROUTE = 0;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x01;
    static final int NLM_F_MULTI = 0x02;
    static final int NLM_F_ACK = 0x04;
    static final int NLM_F_ROOT = 0x100;
    static final int NLM_F_MATCH = 0x200;
    static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    static final int NLMSG_HDRLEN = 16;

    private Netlink() {}
  }

  /**
   * {@code <linux/rtnetlink.h>}, {@code <linux/if_addr.h>}, {@code <linux/if_link.h>}, {@code
   * <net/if.h>}.
   */
  static final class Rtnetlink {
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int IFA_FLAGS = 8;
    static final int IFA_F_SECONDARY = 0x01;
    static final int IFA_F_NODAD = 0x02;
    static final int IFA_F_DADFAILED = 0x08;
    static final int IFA_F_TENTATIVE = 0x40;
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;
    static final int RT_SCOPE_UNIVERSE = 0;
    static final int IFADDRMSG_LEN = 8;
    static final int IFINFOMSG_LEN = 16;
    static final int RTA_HDRLEN = 4;
    static final int IFNAMSIZ = 16;

    private Rtnetlink() {}
  }

  /** {@code <linux/if_ether.h>}, {@code <linux/if_packet.h>}. */
  static final class IfEther {
    static final int ETH_P_ARP = 0x0806;
    static final int ETH_ALEN = 6;

    private IfEther() {}
  }
}
