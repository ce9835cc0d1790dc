package org.ha4j.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An I/O thread that never comes back from a task (here a health listener that blocks, against its
 * contract) cannot make {@link Proxy#stop()} hang: stop returns once its bound is up, names the
 * stuck thread in a PROXY_STOP_INCOMPLETE line, and the thread ends once its task returns.
 */
@Timeout(120)
class StuckIoThreadTest {

  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void releaseTheThread() {
    release.countDown();
  }

  @Test
  void stopReturnsAndNamesAnIoThreadStuckInATask() throws Exception {
    Upstream upstream =
        new Upstream(
            "u",
            BalancingStrategies.roundRobin(),
            // two servers: nginx ignores the failures of an upstream's only server
            List.of(
                ServerSpec.parse(
                    RefusedUpstreamTest.refusedAddress() + " max_fails=1 fail_timeout=60s"),
                ServerSpec.parse(
                    RefusedUpstreamTest.refusedAddress() + " max_fails=1 fail_timeout=60s")));
    Proxy proxy =
        Proxy.builder()
            .listen("127.0.0.1:0", upstream)
            .ioThreads(2)
            .drainTimeout(Duration.ZERO)
            .build();
    AtomicReference<Thread> stuck = new AtomicReference<>();
    proxy.subscribe(
        (source, previous, current) -> {
          if (current.status() == HealthStatus.DOWN && stuck.compareAndSet(null, currentThread())) {
            awaitRelease();
          }
        });
    proxy.start();
    int port = proxy.boundAddresses().get(0).getPort();
    try (Socket client = new Socket()) {
      // the refused connects mark both servers failed, on an I/O thread: the proxy turns DOWN
      client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stuck.get() != null);
    }
    Thread thread = stuck.get();
    assertThat(thread).as("the listener ran on one of the proxy's I/O threads").isNotNull();

    try (LogCapture log = LogCapture.start()) {
      assertTimeoutPreemptively(Duration.ofSeconds(30), proxy::stop, "stop() did not return");
      assertThat(log.lines())
          .as("the stuck thread is named")
          .anyMatch(l -> l.contains("PROXY_STOP_INCOMPLETE") && l.contains(thread.getName()));
    }
    assertThat(thread.isAlive()).isTrue();

    release.countDown();
    Awaitility.await("the I/O thread ends once its task returns")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !thread.isAlive());
  }

  private static Thread currentThread() {
    return Thread.currentThread();
  }

  private void awaitRelease() {
    try {
      release.await(90, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
