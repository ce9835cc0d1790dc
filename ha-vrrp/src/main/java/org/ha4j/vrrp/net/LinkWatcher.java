package org.ha4j.vrrp.net;

import java.io.IOException;
import java.util.function.Consumer;
import org.ha4j.core.linux.LinkInfo;
import org.ha4j.core.linux.LinkMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears one interface go up and down from rtnetlink link notifications, on a thread of its own, and
 * reports each change of {@link LinkInfo#isUp()} once (the kernel sends several RTM_NEWLINK per
 * event).
 */
public final class LinkWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LinkWatcher.class);
  private static final int POLL_MILLIS = 200;

  private final LinkMonitor monitor;
  private final int interfaceIndex;
  private final Consumer<Boolean> onChange;
  private final Thread thread;
  private volatile boolean running = true;
  private boolean lastUp;

  /**
   * @param initiallyUp the state the caller already knows, so only changes are reported
   * @param onChange called on the watcher's thread with the new state
   */
  public LinkWatcher(
      LinkMonitor monitor,
      String interfaceName,
      int interfaceIndex,
      boolean initiallyUp,
      Consumer<Boolean> onChange) {
    this.monitor = monitor;
    this.interfaceIndex = interfaceIndex;
    this.onChange = onChange;
    this.lastUp = initiallyUp;
    this.thread = new Thread(this::run, "ha4j-link-" + interfaceName);
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        for (LinkInfo link : monitor.poll(POLL_MILLIS)) {
          if (link.index() == interfaceIndex && link.isUp() != lastUp) {
            lastUp = link.isUp();
            onChange.accept(lastUp);
          }
        }
      } catch (IOException e) {
        if (running) {
          log.warn("link notifications failed; interface state is no longer watched", e);
        }
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    monitor.close();
  }
}
