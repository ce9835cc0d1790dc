package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.time.Duration;
import org.ha4j.core.testing.Privileges;
import org.ha4j.proxy.splice.SpliceEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay contract for the splice relay (Linux only), plus its pipe discipline. */
class SpliceRelayContractTest extends RelayContract {

  @BeforeEach
  void linuxOnly() {
    Privileges.assumeThat(SpliceEngine.available(), "splice(2) needs Linux");
  }

  @Override
  RelayKind relay() {
    return RelayKind.SPLICE;
  }

  @Test
  @Timeout(60)
  void idleSessionsHoldNoPipe() throws Exception {
    EchoBackend backend = closing(new EchoBackend());
    Proxy proxy = proxyTo(backend.address());
    SpliceEngine engine = ((SpliceRelay) proxy.relayForTests()).engine();
    java.util.List<Socket> sockets = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Socket s = closing(connect(proxy));
      s.getOutputStream().write(new byte[100_000]);
      sockets.add(s);
    }
    for (Socket s : sockets) {
      s.getInputStream().readNBytes(100_000);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.leasedPipes() == 0);
    assertThat(proxy.activeSessions()).isEqualTo(50);
    assertThat(engine.idlePipes()).isLessThanOrEqualTo(64);
  }
}
