package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.ha4j.core.testing.OpenSockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AF_UNIX datagrams against the real kernel, both name forms; needs no privilege. */
class UnixDatagramSocketTest {

  @TempDir Path dir;

  @Test
  void aDatagramReachesTheSocketBoundAtAPath() throws Exception {
    String path = dir.resolve("notify").toString();
    assertRoundTrip(path);
  }

  @Test
  void aDatagramReachesTheSocketBoundAtAnAbstractName() throws Exception {
    String name = "@ha4j-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    assertRoundTrip(name);
  }

  private void assertRoundTrip(String name) throws Exception {
    Set<String> before = OpenSockets.now();
    try (UnixDatagramSocket receiver = LinuxNetwork.openUnixDatagram();
        UnixDatagramSocket sender = LinuxNetwork.openUnixDatagram()) {
      receiver.bind(name);
      // the kernel's list of AF_UNIX sockets shows an abstract name with '@', a path as itself
      assertThat(Files.readAllLines(Path.of("/proc/net/unix")))
          .as("/proc/net/unix lists " + name)
          .anyMatch(line -> line.endsWith(" " + name));
      sender.send(name, "READY=1".getBytes(StandardCharsets.US_ASCII));
      sender.send(name, "STOPPING=1".getBytes(StandardCharsets.US_ASCII));
      assertThat(receiveText(receiver)).isEqualTo("READY=1");
      assertThat(receiveText(receiver)).isEqualTo("STOPPING=1");
      assertThat(receiver.receive(new byte[16], 0)).isEqualTo(-1);
    }
    assertThat(OpenSockets.leakedSince(before)).isEmpty();
  }

  private static String receiveText(UnixDatagramSocket receiver) throws Exception {
    byte[] buffer = new byte[64];
    int length = receiver.receive(buffer, 5_000);
    assertThat(length).as("a datagram within 5 s").isPositive();
    return new String(Arrays.copyOf(buffer, length), StandardCharsets.US_ASCII);
  }

  @Test
  void sendingToAPathWithNoSocketIsENOENTNamingThePath() throws Exception {
    String missing = dir.resolve("absent").toString();
    try (UnixDatagramSocket sender = LinuxNetwork.openUnixDatagram()) {
      assertThatThrownBy(() -> sender.send(missing, new byte[] {'x'}))
          .isInstanceOf(NativeCallException.class)
          .hasMessageContaining("sendto(" + missing + ") on socket(AF_UNIX, SOCK_DGRAM)")
          .satisfies(e -> assertThat(((NativeCallException) e).errno()).isEqualTo(Errno.ENOENT));
    }
  }

  @Test
  void sendingToAnAbstractNameNobodyBoundIsECONNREFUSED() throws Exception {
    try (UnixDatagramSocket sender = LinuxNetwork.openUnixDatagram()) {
      assertThatThrownBy(() -> sender.send("@ha4j-nobody-" + System.nanoTime(), new byte[] {'x'}))
          .isInstanceOf(NativeCallException.class)
          .satisfies(
              e -> assertThat(((NativeCallException) e).errno()).isEqualTo(Errno.ECONNREFUSED));
    }
  }

  @Test
  void aSocketClosedTwiceReleasesItsDescriptorOnce() throws Exception {
    Set<String> before = OpenSockets.now();
    UnixDatagramSocket socket = LinuxNetwork.openUnixDatagram();
    assertThat(OpenSockets.leakedSince(before)).hasSize(1);
    socket.close();
    socket.close();
    assertThat(OpenSockets.leakedSince(before)).isEmpty();
    assertThatThrownBy(() -> socket.send("@x", new byte[] {'x'}))
        .isInstanceOf(NativeCallException.class)
        .hasMessageContaining("socket already closed");
  }
}
