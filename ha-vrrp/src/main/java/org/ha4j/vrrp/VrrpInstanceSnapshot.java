package org.ha4j.vrrp;

import java.util.Map;
import java.util.Optional;
import org.ha4j.core.net.IpAddress;
import org.ha4j.vrrp.protocol.VrrpState;

/**
 * A VRRP instance at one instant: protocol state plus what the shell counted.
 *
 * @param name the instance name (keepalived's {@code vrrp_instance} name)
 * @param state the protocol state
 * @param basePriority the configured priority
 * @param effectivePriority base plus tracked weights, 1-254 (255 for the owner)
 * @param masterAddress the master's primary address when known (our own when MASTER)
 * @param sourceAddress the address our adverts come from (IPv4, or IPv6 for an IPv6 instance); null
 *     before the instance started
 * @param interfaceUp the interface state last heard
 * @param advertsSent advertisements sent (priority-0 resignations included)
 * @param advertsReceived valid advertisements received and given to the protocol
 * @param droppedPackets received packets dropped, per reason name; reasons never seen are absent
 * @param sendFailures advertisements or GARPs that the kernel refused to send
 */
public record VrrpInstanceSnapshot(
    String name,
    VrrpState state,
    int basePriority,
    int effectivePriority,
    Optional<IpAddress> masterAddress,
    IpAddress sourceAddress,
    boolean interfaceUp,
    long advertsSent,
    long advertsReceived,
    Map<String, Long> droppedPackets,
    long sendFailures) {

  public VrrpInstanceSnapshot {
    droppedPackets = Map.copyOf(droppedPackets);
  }

  /** Packets dropped for {@code reason}, 0 if none. */
  public long dropped(String reason) {
    return droppedPackets.getOrDefault(reason, 0L);
  }

  public long droppedTotal() {
    return droppedPackets.values().stream().mapToLong(Long::longValue).sum();
  }
}
