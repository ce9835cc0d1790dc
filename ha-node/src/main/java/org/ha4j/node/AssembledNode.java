package org.ha4j.node;

import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.Lifecycle;
import org.ha4j.health.HealthChecks;
import org.ha4j.proxy.Proxy;
import org.ha4j.vrrp.VrrpInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of parts the application built ({@link HaNode#builder()}): proxies start before the VRRP
 * instances, and stop in the {@link StopOrder}, whatever order they were added in.
 */
final class AssembledNode implements Lifecycle {

  private static final Logger log = LoggerFactory.getLogger(AssembledNode.class);

  private final List<Proxy> proxies;
  private final List<VrrpInstance> instances;
  private final Lifecycle healthChecks;
  private final List<Lifecycle> startedProxies = new ArrayList<>();
  private final List<Lifecycle> startedInstances = new ArrayList<>();
  private boolean startCalled;
  private boolean stopped;

  AssembledNode(List<Proxy> proxies, List<VrrpInstance> instances, List<HealthChecks> checks) {
    this.proxies = List.copyOf(proxies);
    this.instances = List.copyOf(instances);
    List<HealthChecks> closing = List.copyOf(checks);
    // HealthChecks runs from the moment a probe is scheduled; the node only owns its end.
    this.healthChecks =
        new Lifecycle() {
          @Override
          public void start() {}

          @Override
          public void stop() {
            closing.forEach(HealthChecks::close);
          }

          @Override
          public String toString() {
            return "health checks";
          }
        };
  }

  @Override
  public synchronized void start() throws Exception {
    if (startCalled) {
      throw new IllegalStateException("a node starts once; build a new one to start again");
    }
    startCalled = true;
    try {
      for (Proxy proxy : proxies) {
        proxy.start();
        startedProxies.add(proxy);
      }
      for (VrrpInstance instance : instances) {
        instance.start();
        startedInstances.add(instance);
      }
    } catch (Exception | Error e) {
      log.error("the node failed to start; stopping what was started");
      stopInOrder();
      throw e;
    }
  }

  @Override
  public synchronized void stop() {
    if (startCalled && !stopped) {
      stopInOrder();
    }
  }

  private void stopInOrder() {
    stopped = true;
    StopOrder.stop(StopOrder.of(startedInstances, startedProxies, healthChecks));
  }
}
