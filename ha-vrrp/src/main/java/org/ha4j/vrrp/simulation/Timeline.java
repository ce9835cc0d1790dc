package org.ha4j.vrrp.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.protocol.VrrpAction;

/**
 * A {@link SimulationListener} that writes the notable events as readable lines with virtual
 * timestamps: state changes, addresses taken and released, gratuitous ARP bursts, resignations,
 * priority changes and outside events. Periodic advertisements are left out.
 *
 * <pre>
 *     3.609375 s  LB1   BACKUP -> MASTER (no advertisement for Master_Down_Interval 3.609 s)
 * </pre>
 */
public final class Timeline implements SimulationListener {

  private final List<String> lines = new ArrayList<>();
  private final Consumer<String> sink;

  /** Keeps the lines only. */
  public Timeline() {
    this(line -> {});
  }

  /**
   * Keeps the lines and also hands each to {@code sink} as it happens (e.g. {@code
   * System.out::println}).
   */
  public Timeline(Consumer<String> sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void onAction(long nowNanos, SimulatedRouter router, VrrpAction action) {
    String text = null;
    if (action instanceof VrrpAction.StateChanged c) {
      text = c.from() + " -> " + c.to() + " (" + c.reason() + ")";
    } else if (action instanceof VrrpAction.AddVirtualAddresses add) {
      text = "adds " + addresses(add.addresses());
    } else if (action instanceof VrrpAction.RemoveVirtualAddresses remove
        && router.holdsVirtualAddresses()) {
      text = "removes " + addresses(remove.addresses());
    } else if (action instanceof VrrpAction.SendGratuitousArp garp) {
      text = "gratuitous ARP x" + garp.count() + " for " + addresses(garp.addresses());
    } else if (action instanceof VrrpAction.SendAdvertisement send && send.priority() == 0) {
      text = "advertises priority 0 (resigns)";
    } else if (action instanceof VrrpAction.PriorityChanged p) {
      text = "priority " + p.from() + " -> " + p.to() + " (" + p.reason() + ")";
    }
    if (text != null) {
      add(nowNanos, router.name(), text);
    }
  }

  @Override
  public void onNote(long nowNanos, String text) {
    add(nowNanos, "--", text);
  }

  private void add(long nowNanos, String who, String text) {
    String line =
        String.format(
            java.util.Locale.ROOT, "%12s  %-5s %s", VirtualLan.seconds(nowNanos), who, text);
    lines.add(line);
    sink.accept(line);
  }

  private static String addresses(List<Ipv4Cidr> addresses) {
    return addresses.size() == 1 ? addresses.get(0).toString() : addresses.toString();
  }
}
