package org.ha4j.core.linux;

/** The Linux capabilities ha4j's native calls can need (capabilities(7)). */
public enum Capability {
  /** Raw IP sockets (IPPROTO_VRRP), packet sockets (gratuitous ARP), SO_BINDTODEVICE. */
  CAP_NET_RAW,
  /** Adding and removing addresses through netlink. */
  CAP_NET_ADMIN,
  /** A real-time scheduling policy for a thread (sched_setscheduler). */
  CAP_SYS_NICE
}
