package org.ha4j.vrrp;

import java.util.List;
import org.ha4j.vrrp.driver.StateNotifier;
import org.ha4j.vrrp.protocol.VrrpState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux instance's notify port: logs a transition as keepalived does, tells the {@link
 * VrrpListener}s (an exception from one is logged and swallowed) and queues the notify scripts,
 * which run on their own thread.
 */
final class InstanceNotifier implements StateNotifier {

  private static final Logger log = LoggerFactory.getLogger(InstanceNotifier.class);

  private final VrrpInstance instance;
  // replaced by a reconfigure on the protocol thread, the one that reads them
  private List<VrrpListener> listeners;
  private NotifyScripts notifyScripts;
  private final NotifyRunner notifyRunner;

  InstanceNotifier(
      VrrpInstance instance,
      List<VrrpListener> listeners,
      NotifyScripts notifyScripts,
      NotifyRunner runner) {
    this.instance = instance;
    this.listeners = List.copyOf(listeners);
    this.notifyScripts = notifyScripts;
    this.notifyRunner = runner;
  }

  /** A reconfigure's listeners and notify scripts, for every later event. */
  void adopt(List<VrrpListener> nextListeners, NotifyScripts nextScripts) {
    this.listeners = List.copyOf(nextListeners);
    this.notifyScripts = nextScripts;
  }

  /** A reconfigure took effect: logged, and every (new) listener hears what changed. */
  void reconfigured(String changes) {
    String name = instance.name();
    log.info("({}) reconfigured: {}", name, changes);
    for (VrrpListener listener : listeners) {
      try {
        listener.onReconfigure(instance, changes);
      } catch (RuntimeException e) {
        log.warn("({}) listener {} failed on a reconfigure", name, listener, e);
      }
    }
  }

  @Override
  public void stateChanged(VrrpState from, VrrpState to, String reason, int effectivePriority) {
    String name = instance.name();
    log.info("({}) Entering {} STATE ({})", name, to, reason);
    for (VrrpListener listener : listeners) {
      try {
        listener.onStateChange(instance, from, to, reason);
      } catch (RuntimeException e) {
        log.warn("({}) listener {} failed on {} -> {}", name, listener, from, to, e);
      }
    }
    if (!notifyScripts.isEmpty()) {
      String keepalivedState = to == VrrpState.INITIALIZE ? "STOP" : to.name();
      notifyRunner.submit(notifyScripts.commandsFor(keepalivedState, name, effectivePriority));
    }
  }

  @Override
  public void priorityChanged(int from, int to, String reason) {
    String name = instance.name();
    log.info("({}) priority {} -> {} ({})", name, from, to, reason);
    for (VrrpListener listener : listeners) {
      try {
        listener.onPriorityChange(instance, from, to, reason);
      } catch (RuntimeException e) {
        log.warn("({}) listener {} failed on a priority change", name, listener, e);
      }
    }
  }

  /**
   * A received packet was dropped: every listener hears it (the drop counter logs it,
   * rate-limited).
   */
  void packetDropped(String reason, org.ha4j.core.net.Ipv4Address source) {
    for (VrrpListener listener : listeners) {
      try {
        listener.onPacketDropped(instance, reason, source);
      } catch (RuntimeException e) {
        log.warn("({}) listener {} failed on a dropped packet", instance.name(), listener, e);
      }
    }
  }
}
