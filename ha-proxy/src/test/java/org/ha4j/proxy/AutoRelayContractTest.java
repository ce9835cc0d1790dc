package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import org.ha4j.core.testing.Privileges;
import org.ha4j.proxy.splice.SpliceEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay contract for splice-auto (Linux only): copy first, splice once a session streams. The
 * large transfers of the contract cross the handoff mid-stream; the tests here pin the two phases
 * themselves.
 */
class AutoRelayContractTest extends RelayContract {

  @BeforeEach
  void linuxOnly() {
    Privileges.assumeThat(SpliceEngine.available(), "splice(2) needs Linux");
  }

  @Override
  RelayKind relay() {
    return RelayKind.AUTO;
  }

  @Test
  @Timeout(60)
  void requestResponseSessionsStayOnTheCopyPathAndStreamsMoveToSplice() throws Exception {
    EchoBackend backend = closing(new EchoBackend());
    Proxy proxy = proxyTo(backend.address());
    SpliceEngine engine = ((CopyRelay) proxy.relayForTests()).engine();
    try (Socket socket = connect(proxy)) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < 200; i++) {
        out.write(new byte[] {(byte) i, 1, 2, 3});
        assertThat(in.readNBytes(4)).containsExactly((byte) i, 1, 2, 3);
      }
      assertThat(engine.relayedPairs()).as("small exchanges never leave the copy path").isZero();
      // now stream: 8 MiB one way while reading the echo, byte-exact across the handoff
      byte[] chunk = new byte[64 * 1024];
      java.util.concurrent.CompletableFuture<Long> reader =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  long seen = 0;
                  byte[] buf = new byte[65536];
                  while (seen < (8L << 20)) {
                    int n = in.read(buf);
                    if (n < 0) {
                      break;
                    }
                    for (int k = 0; k < n; k++) {
                      if (buf[k] != (byte) ((seen + k) / 65536)) {
                        throw new AssertionError("byte " + (seen + k) + " differs");
                      }
                    }
                    seen += n;
                  }
                  return seen;
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      for (int c = 0; c < 128; c++) {
        java.util.Arrays.fill(chunk, (byte) c);
        out.write(chunk);
      }
      assertThat(reader.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(8L << 20);
      assertThat(engine.relayedPairs())
          .as("the streaming session moved to the engine")
          .isEqualTo(1);
    }
  }
}
