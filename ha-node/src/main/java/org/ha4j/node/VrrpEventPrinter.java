package org.ha4j.node;

import java.time.Instant;
import java.util.function.Consumer;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.VrrpListener;
import org.ha4j.vrrp.protocol.VrrpState;

/**
 * Turns VRRP events into lines; runs on the instance's protocol thread, so it only formats and
 * hands a line over.
 */
final class VrrpEventPrinter implements VrrpListener {

  private final Consumer<String> events;

  VrrpEventPrinter(Consumer<String> events) {
    this.events = events;
  }

  @Override
  public void onStateChange(VrrpInstance instance, VrrpState from, VrrpState to, String reason) {
    Instant now = Instant.now();
    events.accept(
        "STATE "
            + instance.name()
            + " "
            + from
            + " -> "
            + to
            + " ("
            + reason
            + ") t="
            + (now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000));
  }

  @Override
  public void onPriorityChange(VrrpInstance instance, int from, int to, String reason) {
    events.accept("PRIORITY " + instance.name() + " " + from + " -> " + to + " (" + reason + ")");
  }

  /** What the running instance adopted from a reload, in the instance's own words. */
  @Override
  public void onReconfigure(VrrpInstance instance, String changes) {
    events.accept("RECONFIGURED " + instance.name() + " " + changes);
  }
}
