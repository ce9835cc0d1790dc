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
 * @param transitions state changes so far, per {@link #transition(VrrpState, VrrpState)} key such
 *     as {@code BACKUP->MASTER}; pairs never seen are absent
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
    long sendFailures,
    Map<String, Long> transitions) {

  public VrrpInstanceSnapshot {
    droppedPackets = Map.copyOf(droppedPackets);
    transitions = Map.copyOf(transitions);
  }

  /** The key of a state change in {@link #transitions()}: {@code FROM->TO}. */
  public static String transition(VrrpState from, VrrpState to) {
    return from.name() + "->" + to.name();
  }

  /** How often the instance went from {@code from} to {@code to}, 0 if never. */
  public long transitions(VrrpState from, VrrpState to) {
    return transitions.getOrDefault(transition(from, to), 0L);
  }

  /** Packets dropped for {@code reason}, 0 if none. */
  public long dropped(String reason) {
    return droppedPackets.getOrDefault(reason, 0L);
  }

  public long droppedTotal() {
    return droppedPackets.values().stream().mapToLong(Long::longValue).sum();
  }
}
