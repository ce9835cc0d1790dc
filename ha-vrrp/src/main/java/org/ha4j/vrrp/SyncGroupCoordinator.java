package org.ha4j.vrrp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.driver.SyncGroupPort;
import org.ha4j.vrrp.driver.VrrpDriver;
import org.ha4j.vrrp.protocol.TrackedInput;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpSnapshot;
import org.ha4j.vrrp.protocol.VrrpState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived 2.2's {@code vrrp_sync_group} rules over the drivers of its members (vrrp_sync.c):
 *
 * <ul>
 *   <li>one member's own fault (its interface, a weight-0 tracker) puts every member in FAULT, and
 *       they leave FAULT together once no member has a fault of its own;
 *   <li>a MASTER member that becomes BACKUP takes the other masters to BACKUP with it;
 *   <li>a backup whose Master_Down_Timer ran out is held in BACKUP until every member wants to be
 *       MASTER, then all take over together.
 * </ul>
 *
 * It works only through the members' public protocol inputs: a weight-0 tracked input per member
 * ({@link #trackedInputName}) carries the group's FAULT, and a MASTER is sent to BACKUP with a
 * highest-priority advertisement from {@link #GROUP_SENDER}, which leaves mastership without the
 * priority-0 advertisement, as keepalived's forced members do.
 *
 * <p>Threads: the port methods run on each member's own driver thread and synchronize on this
 * object; what a member must do is posted to that member's executor, never run inline.
 */
final class SyncGroupCoordinator {

  private static final Logger log = LoggerFactory.getLogger(SyncGroupCoordinator.class);

  /** The sender of the advertisement that moves a forced member to BACKUP: no real router's. */
  static final Ipv4Address GROUP_SENDER = Ipv4Address.ofBits(0);

  /** Port: the group's own notifications (log line, notify scripts), in transition order. */
  interface GroupNotifier {
    void groupStateChanged(String group, VrrpState to);
  }

  private final String name;
  private final GroupNotifier notifier;
  private final Map<String, Member> members = new LinkedHashMap<>();
  private VrrpState state = VrrpState.INITIALIZE;
  private boolean faultSent;

  SyncGroupCoordinator(String name, GroupNotifier notifier) {
    this.name = name;
    this.notifier = notifier;
  }

  /** The weight-0 input each member tracks; DOWN while the group is in FAULT. */
  static String trackedInputName(String group) {
    return "vrrp_sync_group " + group;
  }

  String name() {
    return name;
  }

  synchronized List<Member> members() {
    return List.copyOf(members.values());
  }

  synchronized VrrpState state() {
    return state;
  }

  /**
   * Adds a member before it starts; {@code executor} runs tasks on its driver's thread. The member
   * is usable once {@link Member#attach} gave it its driver.
   */
  synchronized Member join(String instance, VrrpRouterConfig config, Executor executor) {
    if (members.containsKey(instance)) {
      throw new IllegalArgumentException(
          "instance " + instance + " is already a member of sync group " + name);
    }
    Member member = new Member(instance, config, executor);
    members.put(instance, member);
    return member;
  }

  /** A member stopped; when the last one has, the group stops too (keepalived's group STOP). */
  private synchronized void left(Member member) {
    member.left = true;
    member.release = null;
    if (members.values().stream().allMatch(m -> m.left)) {
      enter(VrrpState.INITIALIZE);
    }
  }

  private synchronized boolean mayTakeOver(Member member, Runnable release) {
    if (state == VrrpState.MASTER) {
      return true;
    }
    member.release = release;
    for (Member other : members.values()) {
      if (other != member && !other.wantsMaster()) {
        return false;
      }
    }
    log.info("VRRP_Group({}) Syncing instances to MASTER state", name);
    for (Member other : members.values()) {
      Runnable held = other.release;
      other.release = null;
      if (other != member && held != null) {
        other.releasing = true;
        other.post(held);
      }
    }
    return true;
  }

  /**
   * keepalived moves every member to MASTER in one step; here a released member runs its takeover
   * on its own thread, and an advert may reach it first. Then it stays BACKUP under a master, and
   * the group follows it there, as keepalived's would once that master's advert arrived.
   */
  private synchronized void takeOverWithdrawn(Member member) {
    member.release = null;
    if (member.releasing) {
      member.releasing = false;
      member.fellBack = true;
      if (state == VrrpState.MASTER) {
        member.fellBack = false;
        syncToBackup(member);
      }
    }
  }

  /** keepalived vrrp_sync_backup(): every other MASTER member leaves mastership too. */
  private void syncToBackup(Member from) {
    log.info("VRRP_Group({}) Syncing instances to BACKUP state", name);
    for (Member other : members.values()) {
      if (other != from) {
        other.post(other::leaveMasterForGroup);
      }
    }
    enter(VrrpState.BACKUP);
  }

  private synchronized void changed(Member member, VrrpSnapshot before, VrrpSnapshot after) {
    member.snapshot = after;
    member.ownFault = member.ownFault(after);
    if (after.state() != VrrpState.BACKUP) {
      member.release = null;
      member.releasing = false;
      member.fellBack = false; // it is MASTER after all, or in FAULT, which the group follows
    }
    boolean anyOwnFault = members.values().stream().anyMatch(m -> m.ownFault);
    if (anyOwnFault && state != VrrpState.FAULT) {
      log.info("VRRP_Group({}) Syncing instances to FAULT state", name);
      setFault(true);
      enter(VrrpState.FAULT);
      return;
    }
    if (!anyOwnFault && state == VrrpState.FAULT) {
      // keepalived try_up_instance(): the group comes up once its last member's fault cleared
      log.info("VRRP_Group({}) no member in fault any more; leaving FAULT", name);
      setFault(false);
      enter(VrrpState.BACKUP);
      return;
    }
    if (state == VrrpState.FAULT) {
      return;
    }
    if (after.state() == VrrpState.MASTER && before.state() != VrrpState.MASTER) {
      enter(VrrpState.MASTER);
      for (Member other : members.values()) {
        if (other.fellBack) {
          other.fellBack = false;
          syncToBackup(other);
          return;
        }
      }
    } else if (after.state() == VrrpState.BACKUP && before.state() == VrrpState.MASTER) {
      if (state == VrrpState.MASTER) {
        syncToBackup(member);
      } else {
        enter(VrrpState.BACKUP);
      }
    } else if (after.state() == VrrpState.BACKUP && state == VrrpState.INITIALIZE) {
      enter(VrrpState.BACKUP);
    }
  }

  private void setFault(boolean fault) {
    faultSent = fault;
    HealthStatus status = fault ? HealthStatus.DOWN : HealthStatus.UP;
    for (Member m : members.values()) {
      m.post(() -> m.handle(VrrpInput.health(trackedInputName(name), status)));
    }
  }

  private void enter(VrrpState to) {
    if (state != to) {
      state = to;
      notifier.groupStateChanged(name, to);
    }
  }

  /** One member instance: the port its driver calls, and what the group knows of it. */
  final class Member implements SyncGroupPort {
    private final String instance;
    private VrrpRouterConfig config;
    private final List<String> faultInputs = new ArrayList<>();
    private final Executor executor;
    private VrrpDriver driver;
    private VrrpSnapshot snapshot;
    private boolean ownFault;
    private Runnable release;
    private boolean left;

    /** The group posted this member's takeover; it has not run yet. */
    private boolean releasing;

    /** A posted takeover was withdrawn before the group reached MASTER. */
    private boolean fellBack;

    private Member(String instance, VrrpRouterConfig config, Executor executor) {
      this.instance = instance;
      this.executor = executor;
      reconfigured(config);
    }

    /** The member's instance adopted {@code next}; before its driver handles it. */
    void reconfigured(VrrpRouterConfig next) {
      synchronized (SyncGroupCoordinator.this) {
        this.config = next;
        faultInputs.clear();
        for (TrackedInput input : next.trackedInputs()) {
          if (input.faultsWhenDown() && !input.name().equals(trackedInputName(name))) {
            faultInputs.add(input.name());
          }
        }
      }
    }

    /** Gives the member its driver; before the driver handles its first input. */
    void attach(VrrpDriver driver) {
      this.driver = driver;
      synchronized (SyncGroupCoordinator.this) {
        this.snapshot = driver.snapshot();
        if (faultSent) {
          post(() -> handle(VrrpInput.health(trackedInputName(name), HealthStatus.DOWN)));
        }
      }
    }

    /** The member's instance stopped; call after its driver's last input. */
    void leave() {
      left(this);
    }

    String instance() {
      return instance;
    }

    private boolean wantsMaster() {
      return release != null || snapshot.state() == VrrpState.MASTER;
    }

    private boolean ownFault(VrrpSnapshot s) {
      if (!s.interfaceUp()) {
        return true;
      }
      for (String input : faultInputs) {
        if (s.trackedHealth().get(input) == HealthStatus.DOWN) {
          return true;
        }
      }
      return false;
    }

    /** Runs {@code task} on the member's driver thread, unless the member has stopped. */
    private void post(Runnable task) {
      if (!left) {
        executor.execute(task);
      }
    }

    private void handle(VrrpInput input) {
      if (driver != null) {
        driver.handle(input);
      }
    }

    /**
     * keepalived vrrp_sync_backup(): a forced master leaves without a priority-0 advertisement. The
     * highest priority makes the protocol do just that; the peer that really is master keeps the
     * Master_Down_Timer re-armed from here on.
     */
    private void leaveMasterForGroup() {
      if (driver != null && driver.snapshot().state() == VrrpState.MASTER) {
        driver.handle(
            VrrpInput.advertisement(
                GROUP_SENDER, config.advertisement(VrrpRouterConfig.OWNER_PRIORITY)));
      }
    }

    @Override
    public boolean mayTakeOver(Runnable release) {
      return SyncGroupCoordinator.this.mayTakeOver(this, release);
    }

    @Override
    public void takeOverWithdrawn() {
      SyncGroupCoordinator.this.takeOverWithdrawn(this);
    }

    @Override
    public void changed(VrrpSnapshot before, VrrpSnapshot after) {
      SyncGroupCoordinator.this.changed(this, before, after);
    }
  }
}
