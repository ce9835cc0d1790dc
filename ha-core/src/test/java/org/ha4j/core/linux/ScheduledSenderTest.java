package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.testing.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel sends queued datagrams at their times, cancels them on request, and closing leaves no
 * ring behind. Raw IPv4 sockets of an experimental protocol (253, RFC 3692) on loopback.
 */
class ScheduledSenderTest {

  private static final int PROTOCOL = 253;
  private static final IpAddress LOOPBACK = IpAddress.parse("127.0.0.1");
  private static final long MS = 1_000_000L;

  private RawIpSocket socket;
  private RawIpSocket listener;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void sockets() throws IOException {
    Privileges.assumeRoot("raw sockets");
    listener = LinuxNetwork.openRawIp(PROTOCOL);
    socket = LinuxNetwork.openRawIp(PROTOCOL);
    socket.setReceiveBufferSize(256);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    if (socket != null) {
      socket.close();
      listener.close();
    }
  }

  private ScheduledSender sender() throws NativeCallException {
    ScheduledSender sender = LinuxNetwork.openScheduledSender(socket, 64);
    opened.add(sender);
    return sender;
  }

  private static byte[][] payload(String text) {
    return new byte[][] {text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)};
  }

  /** The payload (after the 20-byte IP header) of the next packet, and when it arrived. */
  private record Arrival(String payload, long nanos) {}

  private Arrival next(int timeoutMillis) throws IOException {
    byte[] buffer = new byte[256];
    int length = listener.receive(buffer, timeoutMillis);
    long at = System.nanoTime();
    if (length < 0) {
      return null;
    }
    return new Arrival(
        new String(buffer, 20, length - 20, java.nio.charset.StandardCharsets.US_ASCII), at);
  }

  @Test
  void theKernelSendsEachDatagramAtItsTimeNotBefore() throws Exception {
    ScheduledSender sender = sender();
    sender.prepare(payload("advert"), new IpAddress[] {LOOPBACK});
    long now = System.nanoTime();
    long first = now + 60 * MS;
    long second = now + 120 * MS;
    sender.queue(first);
    sender.queue(second);
    sender.submit();
    assertThat(sender.outstanding()).isEqualTo(4);

    Arrival a = next(2_000);
    Arrival b = next(2_000);
    assertThat(a).isNotNull();
    assertThat(b).isNotNull();
    assertThat(a.payload()).isEqualTo("advert");
    assertThat(a.nanos()).isGreaterThanOrEqualTo(first);
    assertThat(b.nanos()).isGreaterThanOrEqualTo(second);
    List<String> failures = new ArrayList<>();
    ScheduledSender.Failures sink = (d, errno) -> failures.add(d + ":" + errno);
    // the two timers' and two sends' completions
    long deadline = System.nanoTime() + 2_000 * MS;
    while (sender.outstanding() > 0 && System.nanoTime() < deadline) {
      sender.reap(sink);
    }
    assertThat(sender.outstanding()).isZero();
    assertThat(sender.sent()).isEqualTo(2);
    assertThat(failures).isEmpty();
  }

  @Test
  void theKernelSendsWhileTheSubmittingThreadSleeps() throws Exception {
    ScheduledSender sender = sender();
    sender.prepare(payload("on time"), new IpAddress[] {LOOPBACK});
    AtomicReference<Throwable> failed = new AtomicReference<>();
    long[] due = new long[5];
    Thread submitter =
        new Thread(
            () -> {
              try {
                long now = System.nanoTime();
                for (int i = 0; i < due.length; i++) {
                  due[i] = now + (50 + 20L * i) * MS;
                  sender.queue(due[i]);
                }
                sender.submit();
                // the stall under test: the submitter waits in an interruptible sleep past every
                // due time, as a Java thread does at a safepoint; it must live on, since a
                // thread's exit cancels what it submitted
                Thread.sleep(400);
              } catch (Exception e) {
                failed.set(e);
              }
            });
    submitter.start();
    List<Long> arrivals = new ArrayList<>();
    for (int i = 0; i < due.length; i++) {
      Arrival a = next(2_000);
      assertThat(a).as("datagram %d", i).isNotNull();
      arrivals.add(a.nanos());
    }
    assertThat(submitter.isAlive()).as("all arrived while the submitter still slept").isTrue();
    submitter.join();
    assertThat(failed.get()).isNull();
    for (int i = 1; i < arrivals.size(); i++) {
      assertThat(arrivals.get(i) - arrivals.get(i - 1)).isLessThan(60 * MS);
    }
  }

  @Test
  void cancelAllStopsEveryQueuedSendAndWaitsForTheKernelToConfirm() throws Exception {
    ScheduledSender sender = sender();
    sender.prepare(payload("stale"), new IpAddress[] {LOOPBACK});
    long now = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      sender.queue(now + (150 + 10L * i) * MS);
    }
    sender.submit();
    assertThat(sender.cancelAll(Duration.ofSeconds(1), (d, e) -> {})).isTrue();
    assertThat(sender.outstanding()).isZero();
    assertThat(next(400)).as("nothing sent after the cancel").isNull();

    // new content once nothing is outstanding
    sender.prepare(payload("fresh"), new IpAddress[] {LOOPBACK});
    sender.queue(System.nanoTime());
    sender.submit();
    assertThat(next(2_000).payload()).isEqualTo("fresh");
  }

  @Test
  void changingTheDatagramsWhileTheKernelHoldsThemIsRefused() throws Exception {
    ScheduledSender sender = sender();
    sender.prepare(payload("a"), new IpAddress[] {LOOPBACK});
    sender.queue(System.nanoTime() + 1_000 * MS);
    sender.submit();
    assertThatThrownBy(() -> sender.prepare(payload("b"), new IpAddress[] {LOOPBACK}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("outstanding");
    assertThatThrownBy(
            () -> sender.prepare(payload("b"), new IpAddress[] {IpAddress.parse("fd00::1")}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingReleasesTheRingAndItsQueuedSends() throws Exception {
    long before = ioUringFds();
    ScheduledSender sender = LinuxNetwork.openScheduledSender(socket, 64);
    assertThat(ioUringFds()).isEqualTo(before + 1);
    sender.prepare(payload("never"), new IpAddress[] {LOOPBACK});
    sender.queue(System.nanoTime() + 200 * MS);
    sender.submit();
    sender.close();
    sender.close(); // idempotent
    assertThat(ioUringFds()).isEqualTo(before);
    assertThat(next(500)).as("the kernel cancelled the queued send").isNull();
  }

  @Test
  void aRingSizeOtherThanAPowerOfTwoIsRefused() {
    assertThatThrownBy(() -> LinuxNetwork.openScheduledSender(socket, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("power of two in 2-4096");
  }

  static long ioUringFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString().contains("io_uring");
                } catch (IOException e) {
                  return false; // the listing's own descriptor, closed by now
                }
              })
          .count();
    }
  }
}
