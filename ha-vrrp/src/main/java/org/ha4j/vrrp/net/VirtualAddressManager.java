package org.ha4j.vrrp.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ha4j.core.linux.Errno;
import org.ha4j.core.linux.InterfaceAddress;
import org.ha4j.core.linux.NativeCallException;
import org.ha4j.core.linux.RouteNetlink;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.VirtualAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the virtual addresses on the interface and takes them off again, through netlink,
 * idempotently.
 *
 * <p><b>The interface's own address is never removed.</b> keepalived 2.2.7, at start-up, deletes
 * every configured VIP it finds on the interface "whether or not it added it"
 * (vrrp_restore_interface with force); when a VIP equals the interface's primary address (the
 * address owner's case, priority 255, or a typo), that deletes the host's own address, and with it
 * the source of its adverts and, without {@code promote_secondaries}, every secondary of that
 * subnet, and keepalived falls into FAULT. ha4j instead treats such a VIP as <em>owned by the
 * host</em>: it is left in place at start-up, never "added" (it is there) and never removed on stop
 * or failover, and the adverts still use it as source. Losing the host's own address is never what
 * removing a stale VIP meant.
 *
 * <p>Not thread-safe: driven from the instance's single thread.
 */
public final class VirtualAddressManager {

  private static final Logger log = LoggerFactory.getLogger(VirtualAddressManager.class);

  /** Kernel interface indexes start at 1 (dev_new_index): 0 is never a device. */
  private static final int NO_INTERFACE = 0;

  private final RouteNetlink netlink;
  private final String interfaceName;
  private final int interfaceIndex;
  private final List<VirtualAddress> addresses;
  private final Set<Ipv4Address> hostOwned = new LinkedHashSet<>();

  public VirtualAddressManager(
      RouteNetlink netlink,
      String interfaceName,
      int interfaceIndex,
      List<VirtualAddress> addresses) {
    this.netlink = netlink;
    this.interfaceName = interfaceName;
    this.interfaceIndex = interfaceIndex;
    this.addresses = List.copyOf(addresses);
    for (VirtualAddress address : this.addresses) {
      if (address.label() != null && !address.label().startsWith(interfaceName + ":")) {
        throw new IllegalArgumentException(
            "label '"
                + address.label()
                + "' must start with '"
                + interfaceName
                + ":' (an alias of the VRRP interface)");
      }
    }
  }

  /**
   * The interface's primary address: the first address that is not a secondary, in kernel order
   * (the address the kernel would use as source on that subnet). Used as the adverts' source (RFC
   * 3768 §5.2.1).
   */
  public static Optional<Ipv4Address> primaryAddress(List<InterfaceAddress> onInterface) {
    return onInterface.stream()
        .filter(a -> !a.secondary())
        .map(a -> a.address().address())
        .findFirst();
  }

  /**
   * At start-up: removes configured VIPs left on the interface by a crash (so a Backup does not
   * answer for them), except one that is the interface's own primary address (see the class
   * comment).
   *
   * @return what was removed
   */
  public List<VirtualAddress> removeLeftovers() throws IOException {
    List<InterfaceAddress> present = findHostOwned();
    List<VirtualAddress> removed = new ArrayList<>();
    for (VirtualAddress vip : addresses) {
      Ipv4Address address = vip.address().address();
      if (hostOwned.contains(address)) {
        log.warn(
            "{}: VIP {} is this interface's own primary address; it stays (never removed, unlike"
                + " keepalived 2.2.7, which deletes it and loses the interface's address)",
            interfaceName,
            vip);
        continue;
      }
      boolean there = present.stream().anyMatch(a -> a.address().address().equals(address));
      if (there && netlink.removeAddress(interfaceIndex, vip.address())) {
        removed.add(vip);
      }
    }
    if (!removed.isEmpty()) {
      log.info("{}: removed VIPs left from an earlier run: {}", interfaceName, removed);
    }
    return removed;
  }

  /**
   * Learns which configured VIPs are the interface's own primary address (see the class comment)
   * without removing anything; {@link #removeLeftovers()} does this too.
   *
   * @return the interface's addresses as they are now
   */
  public List<InterfaceAddress> findHostOwned() throws IOException {
    List<InterfaceAddress> present = netlink.addresses(interfaceIndex);
    Optional<Ipv4Address> primary = primaryAddress(present);
    hostOwned.clear();
    for (VirtualAddress vip : addresses) {
      if (primary.isPresent() && primary.get().equals(vip.address().address())) {
        hostOwned.add(vip.address().address());
      }
    }
    return present;
  }

  /** Adds every VIP that is not on the interface yet; returns those added. */
  public List<VirtualAddress> addAll() throws IOException {
    return add(addresses);
  }

  /**
   * Adds those of {@code wanted} not on the interface yet (never a host-owned one); returns those
   * added.
   */
  public List<VirtualAddress> add(List<VirtualAddress> wanted) throws IOException {
    List<VirtualAddress> added = new ArrayList<>();
    IOException failure = null;
    for (VirtualAddress vip : wanted) {
      if (hostOwned.contains(vip.address().address())) {
        continue;
      }
      try {
        if (netlink.addAddress(interfaceIndex, vip.address(), vip.label())) {
          added.add(vip);
        }
      } catch (IOException e) {
        // Add the others anyway: one bad VIP should not leave the rest unreachable.
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
    return added;
  }

  /**
   * Sends the takeover's netlink request once, for nothing (for {@link TakeoverRehearsal}): an
   * {@code RTM_NEWADDR} of the first VIP on interface index 0, which no interface ever has, so the
   * kernel refuses it with ENODEV and changes nothing. A backup's JVM has never run the add path;
   * run cold, at its first takeover, it cost 5 to 15 ms of the outage (measured in
   * failover-bench.sh), and about 0.4 ms once rehearsed.
   *
   * @return true when the kernel refused it as expected (false: it answered something else, still
   *     harmless)
   */
  boolean rehearseAdd() {
    if (addresses.isEmpty()) {
      return true;
    }
    VirtualAddress first = addresses.get(0);
    try {
      netlink.addAddress(NO_INTERFACE, first.address(), first.label());
      return false; // cannot happen: index 0 names no interface
    } catch (NativeCallException expected) {
      return expected.errno() == Errno.ENODEV;
    } catch (IOException other) {
      return false;
    }
  }

  /** Removes every VIP this instance manages (never a host-owned one); returns those removed. */
  public List<VirtualAddress> removeAll() throws IOException {
    return remove(addresses);
  }

  /**
   * Removes those of {@code unwanted} that are present (never a host-owned one); returns those
   * removed.
   */
  public List<VirtualAddress> remove(List<VirtualAddress> unwanted) throws IOException {
    List<VirtualAddress> removed = new ArrayList<>();
    IOException failure = null;
    for (VirtualAddress vip : unwanted) {
      if (hostOwned.contains(vip.address().address())) {
        continue;
      }
      try {
        if (netlink.removeAddress(interfaceIndex, vip.address())) {
          removed.add(vip);
        }
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
    return removed;
  }

  /**
   * The configured entry (with its label) for {@code address}, or a label-less one if not
   * configured.
   */
  public VirtualAddress configured(org.ha4j.core.net.Ipv4Cidr address) {
    for (VirtualAddress vip : addresses) {
      if (vip.address().equals(address)) {
        return vip;
      }
    }
    return new VirtualAddress(address, null);
  }

  /** The configured VIPs that are the host's own address and therefore never touched. */
  public Set<Ipv4Address> hostOwned() {
    return Set.copyOf(hostOwned);
  }

  public List<VirtualAddress> addresses() {
    return addresses;
  }
}
