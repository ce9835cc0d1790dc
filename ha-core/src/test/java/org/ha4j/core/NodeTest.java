package org.ha4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeTest {

  private final List<String> events = new ArrayList<>();

  private Lifecycle component(String name, boolean failsToStart) {
    return new Lifecycle() {
      @Override
      public void start() {
        if (failsToStart) {
          throw new IllegalStateException(name + " cannot bind");
        }
        events.add("start " + name);
      }

      @Override
      public void stop() {
        events.add("stop " + name);
      }
    };
  }

  @Test
  void startsInOrderAndStopsInReverseSoTheVipLeavesBeforeTheProxyDrains() throws Exception {
    try (Node node = Node.of(component("proxy", false), component("vrrp", false))) {
      node.start();
    }
    assertThat(events).containsExactly("start proxy", "start vrrp", "stop vrrp", "stop proxy");
  }

  @Test
  void aFailedStartStopsWhatHadStartedAndRethrows() {
    Node node =
        Node.of(component("proxy", false), component("vrrp", true), component("never", false));
    assertThatThrownBy(node::start).hasMessage("vrrp cannot bind");
    assertThat(events).containsExactly("start proxy", "stop proxy");
    node.stop();
    assertThat(events).containsExactly("start proxy", "stop proxy");
  }

  @Test
  void stopIsIdempotentAndStartIsOnce() throws Exception {
    Node node = Node.of(component("a", false));
    node.start();
    node.stop();
    node.stop();
    assertThat(events).containsExactly("start a", "stop a");
    assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class);
  }
}
