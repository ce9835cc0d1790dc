package org.ha4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One start and one stop for several components that make up a load-balancer node.
 *
 * <p>Components start in the order given and stop in the reverse order. Give the proxy before the
 * VRRP instance: the node then listens before it can claim the VIP, and on stop it hands the VIP
 * over (priority-0 advertisement) before the proxy drains, so clients move to the peer while
 * established sessions finish here.
 *
 * <p>If a component fails to start, those already started are stopped (in reverse order) and the
 * failure is rethrown: a node is either running whole or not at all.
 */
public final class Node implements Lifecycle {

  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final List<Lifecycle> components;
  private final List<Lifecycle> started = new ArrayList<>();
  private boolean startCalled;

  private Node(List<Lifecycle> components) {
    this.components = List.copyOf(components);
  }

  /** A node of these components, started in this order and stopped in reverse. */
  public static Node of(Lifecycle... components) {
    for (Lifecycle component : components) {
      Objects.requireNonNull(component, "component");
    }
    return new Node(List.of(components));
  }

  @Override
  public synchronized void start() throws Exception {
    if (startCalled) {
      throw new IllegalStateException("a node starts once; build a new one to start again");
    }
    startCalled = true;
    for (Lifecycle component : components) {
      try {
        component.start();
        started.add(component);
      } catch (Exception | Error e) {
        log.error(
            "{} failed to start; stopping the {} component(s) already started",
            component,
            started.size());
        stopStarted();
        throw e;
      }
    }
  }

  @Override
  public synchronized void stop() {
    stopStarted();
  }

  private void stopStarted() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Lifecycle component = started.get(i);
      try {
        component.stop();
      } catch (RuntimeException e) {
        log.warn("{} failed to stop cleanly; stopping the rest", component, e);
      }
    }
    started.clear();
  }
}
