package org.ha4j.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ha4j.core.Lifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one stop order of a node, whatever order its parts were given in. The VRRP instances go
 * first, last started first, so the peer takes the VIPs (priority-0 advertisement) and new clients
 * go there while established sessions drain here; the proxies next; the health checks last, so
 * killing a script mid-stop never moves a VIP that is still held.
 */
final class StopOrder {

  private static final Logger log = LoggerFactory.getLogger(StopOrder.class);

  private StopOrder() {}

  static List<Lifecycle> of(
      List<? extends Lifecycle> instances,
      List<? extends Lifecycle> proxies,
      Lifecycle healthChecks) {
    List<Lifecycle> order = new ArrayList<>(instances);
    Collections.reverse(order);
    List<Lifecycle> proxiesLastFirst = new ArrayList<>(proxies);
    Collections.reverse(proxiesLastFirst);
    order.addAll(proxiesLastFirst);
    order.add(healthChecks);
    return order;
  }

  /** Stops each in turn; one that fails to stop is logged and the rest still stop. */
  static void stop(List<Lifecycle> order) {
    for (Lifecycle component : order) {
      try {
        component.stop();
      } catch (RuntimeException e) {
        log.warn("{} failed to stop cleanly; stopping the rest", component, e);
      }
    }
  }
}
