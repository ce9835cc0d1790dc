package org.ha4j.vrrp;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.linux.LinkInfo;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.RouteNetlink;
import org.ha4j.vrrp.net.LinkWatcher;

/**
 * The link watchers of an instance's {@code track_interface}s. Watchers are opened in two steps,
 * {@link #open} then {@link #commit}, so that the protocol hears the links' states as they were
 * when the watchers began listening before any change they report, and so that a reload that fails
 * later leaves the running set as it was.
 */
final class TrackedInterfaces implements AutoCloseable {

  /** Where a tracked link's change goes: the tracked input's name and its new status. */
  interface Changes {
    void changed(String input, HealthStatus status);
  }

  /** Watchers opened, listening but not started, and their links' states by tracked input name. */
  record Opened(Map<String, LinkWatcher> watchers, Map<String, HealthStatus> states) {

    /** Closes the watchers: the change they were opened for did not happen. */
    void abandon() {
      watchers.values().forEach(LinkWatcher::close);
    }
  }

  private final String instance;
  private final RouteNetlink netlink;
  private final Changes changes;
  private final Map<String, LinkWatcher> running = new LinkedHashMap<>();

  TrackedInterfaces(String instance, RouteNetlink netlink, Changes changes) {
    this.instance = instance;
    this.netlink = netlink;
    this.changes = changes;
  }

  /**
   * Opens a watcher for each of {@code wanted} not watched yet.
   *
   * @throws IOException naming an interface that does not exist, as keepalived -t does; nothing
   *     stays open then
   */
  Opened open(Collection<String> wanted) throws IOException {
    Map<String, LinkWatcher> watchers = new LinkedHashMap<>();
    Map<String, HealthStatus> states = new LinkedHashMap<>();
    try {
      for (String name : wanted) {
        if (running.containsKey(name)) {
          continue;
        }
        LinkInfo link =
            netlink
                .link(name)
                .orElseThrow(
                    () ->
                        new IOException(
                            "(" + instance + ") tracked interface " + name + " doesn't exist"));
        String input = VrrpInstance.Builder.trackedInterfaceInput(name);
        watchers.put(
            name,
            new LinkWatcher(
                LinuxNetwork.openLinkMonitor(),
                name,
                link.index(),
                link.isUp(),
                up -> changes.changed(input, up ? HealthStatus.UP : HealthStatus.DOWN)));
        states.put(input, link.isUp() ? HealthStatus.UP : HealthStatus.DOWN);
      }
    } catch (IOException | RuntimeException e) {
      watchers.values().forEach(LinkWatcher::close);
      throw e;
    }
    return new Opened(watchers, states);
  }

  /**
   * Starts the watchers {@code opened} and closes those of interfaces not in {@code wanted}: their
   * queued changes name inputs the protocol no longer tracks, which it ignores.
   */
  void commit(Opened opened, Collection<String> wanted) {
    opened.watchers().values().forEach(LinkWatcher::start);
    running.putAll(opened.watchers());
    running
        .entrySet()
        .removeIf(
            e -> {
              boolean gone = !wanted.contains(e.getKey());
              if (gone) {
                e.getValue().close();
              }
              return gone;
            });
  }

  @Override
  public void close() {
    running.values().forEach(LinkWatcher::close);
    running.clear();
  }
}
