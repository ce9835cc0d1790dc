package org.ha4j.vrrp;

import java.util.Objects;
import org.ha4j.vrrp.protocol.VrrpState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived's {@code vrrp_sync_group}: instances that change state together. Add the same group to
 * each member's {@link VrrpInstance.Builder#syncGroup builder}; then one member's fault puts all in
 * FAULT, a master that drops to BACKUP takes the others along, and none takes over until all can
 * (keepalived 2.2 vrrp_sync.c).
 *
 * <p>The group's notify scripts run on a thread of their own, in the order of the group's
 * transitions; the generic one gets keepalived's {@code GROUP <name> <MASTER|BACKUP|FAULT|STOP> 0}.
 */
public final class VrrpSyncGroup {

  private static final Logger log = LoggerFactory.getLogger(VrrpSyncGroup.class);

  private final SyncGroupCoordinator coordinator;
  private final NotifyScripts notifyScripts;
  private NotifyRunner runner;

  private VrrpSyncGroup(String name, NotifyScripts notifyScripts) {
    this.notifyScripts = notifyScripts;
    this.coordinator = new SyncGroupCoordinator(name, this::groupStateChanged);
  }

  /** A group with notify scripts ({@link NotifyScripts#none()} for none). */
  public static VrrpSyncGroup create(String name, NotifyScripts notifyScripts) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(notifyScripts, "notifyScripts");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a sync group needs a name");
    }
    return new VrrpSyncGroup(name, notifyScripts);
  }

  public String name() {
    return coordinator.name();
  }

  /** The group's state: INITIALIZE before its first member starts and after the last stops. */
  public VrrpState state() {
    return coordinator.state();
  }

  SyncGroupCoordinator coordinator() {
    return coordinator;
  }

  /** Called under the coordinator's lock, in transition order. */
  private void groupStateChanged(String group, VrrpState to) {
    log.info("VRRP_Group({}) Entering {} STATE", group, to);
    if (!notifyScripts.isEmpty()) {
      if (runner == null) {
        runner = new NotifyRunner("group-" + group);
      }
      String keepalivedState = to == VrrpState.INITIALIZE ? "STOP" : to.name();
      runner.submit(notifyScripts.groupCommandsFor(keepalivedState, group));
    }
    if (to == VrrpState.INITIALIZE && runner != null) {
      runner.close(); // the last member stopped: the STOP script runs, then the thread ends
      runner = null;
    }
  }

  @Override
  public String toString() {
    return "VrrpSyncGroup(" + name() + ")";
  }
}
