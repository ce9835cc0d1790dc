package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.ha4j.core.testing.netns.NetnsProcess;
import org.ha4j.vrrp.testing.Ipv6Hosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A master at advert_int 0.02 whose protocol thread is held for 200 ms, as a safepoint slow to
 * begin holds every Java thread, seen from a listener in another namespace: with the kernel queue
 * ({@link KernelPacedAdverts}) the adverts keep their cadence; sent by the protocol thread (horizon
 * 0) the same pause is a gap as long on the wire. And nothing queued outlives what should end it: a
 * priority change, the stop, a crash.
 */
class KernelPacedAdvertsIT {

  private static final Duration START = Duration.ofSeconds(20);
  private static final long MS = 1_000_000L;
  private static final String INTERVAL_MILLIS = "20";
  private static final long PAUSE_MILLIS = 200;

  record Advert(long at, int priority) {}

  private NetnsLan lan;
  private NetnsHost masterHost;
  private NetnsHost listenerHost;

  @BeforeEach
  void lan() throws Exception {
    Privileges.assumeRoot("network namespaces and raw sockets");
    lan = NetnsLan.create();
    masterHost = lan.addHost("lb1", 10);
    listenerHost = lan.addHost("wire", 20);
  }

  @AfterEach
  void teardown() {
    if (lan != null) {
      lan.close();
    }
  }

  private NetnsProcess listen(long millis, String... family) throws Exception {
    List<String> args = new ArrayList<>(List.of(Long.toString(millis)));
    args.addAll(List.of(family));
    NetnsProcess listener =
        listenerHost.start(
            NetnsHost.javaCommand(AdvertTimestamps.class.getName(), args.toArray(String[]::new)));
    listener.awaitOutput(out -> out.contains("READY"), START, "listener ready");
    return listener;
  }

  private NetnsProcess master(String... extra) throws Exception {
    return masterOf("10.200.0.100/24", extra);
  }

  private NetnsProcess masterOf(String vip, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("100", INTERVAL_MILLIS, vip, "3"));
    args.addAll(List.of(extra));
    NetnsProcess node =
        masterHost.start(
            NetnsHost.javaCommand(Vrrp3Node.class.getName(), args.toArray(String[]::new)));
    node.awaitOutput(out -> out.contains("STATE MASTER"), START, "lb1 MASTER");
    return node;
  }

  private static List<Advert> adverts(NetnsProcess listener) {
    listener.awaitExit(Duration.ofSeconds(30));
    List<Advert> adverts = new ArrayList<>();
    for (String line : listener.output().split("\n")) {
      if (line.startsWith("ADVERT ")) {
        String[] f = line.split(" ");
        adverts.add(new Advert(Long.parseLong(f[1]), Integer.parseInt(f[2])));
      }
    }
    return adverts;
  }

  private static long printed(NetnsProcess node, String word) {
    for (String line : node.output().split("\n")) {
      if (line.startsWith(word + " ")) {
        return Long.parseLong(line.substring(word.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + word + " line in\n" + node.output());
  }

  /**
   * The largest gap between adverts of {@code priority} in the {@code window} before {@code end}.
   */
  private static long largestGap(List<Advert> adverts, int priority, long from, long end) {
    long previous = -1;
    long gap = 0;
    for (Advert a : adverts) {
      if (a.priority() != priority || a.at() < from || a.at() > end) {
        continue;
      }
      if (previous >= 0) {
        gap = Math.max(gap, a.at() - previous);
      }
      previous = a.at();
    }
    return gap;
  }

  private static void stop(NetnsProcess node) {
    try {
      node.signal("TERM");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    node.awaitExit(Duration.ofSeconds(15));
  }

  /** The pause's gap on the wire: from 500 ms before RESUMED to 500 ms after. */
  private long gapAroundThePause(String horizon) throws Exception {
    NetnsProcess listener = listen(6_000);
    NetnsProcess node = master("horizon=" + horizon, "pause=1000:" + PAUSE_MILLIS);
    node.awaitOutput(out -> out.contains("RESUMED"), START, "pause over");
    long resumed = printed(node, "RESUMED");
    List<Advert> adverts = adverts(listener);
    stop(node);
    return largestGap(adverts, 100, resumed - PAUSE_MILLIS * MS - 500 * MS, resumed + 500 * MS);
  }

  @Test
  void withTheKernelQueueAPausedProtocolThreadLeavesNoGapOnTheWire() throws Exception {
    long gap = gapAroundThePause("500");
    System.out.println("kernel-paced: largest gap " + gap / MS + " ms around the pause");
    // one interval, plus the listener's own scheduling; far below the 200 ms pause
    assertThat(gap).isPositive().isLessThan(100 * MS);
  }

  /** A stop of the whole JVM: its duration and the largest gap around it, both in nanoseconds. */
  private record Safepoint(long duration, long gap) {}

  /** A heap dump runs inside one safepoint: every Java thread of the node stops for as long. */
  private Safepoint gapAroundASafepoint(String horizon) throws Exception {
    NetnsProcess listener = listen(12_000);
    NetnsProcess node = master("horizon=" + horizon, "safepoint=1000:384");
    node.awaitOutput(out -> out.contains("SAFEPOINT"), Duration.ofSeconds(60), "the safepoint");
    String[] safepoint =
        node.output()
            .lines()
            .filter(l -> l.startsWith("SAFEPOINT "))
            .findFirst()
            .orElseThrow()
            .split(" ");
    long start = Long.parseLong(safepoint[1]);
    long end = Long.parseLong(safepoint[2]);
    List<Advert> adverts = adverts(listener);
    stop(node);
    Safepoint result =
        new Safepoint(end - start, largestGap(adverts, 100, start - 200 * MS, end + 200 * MS));
    System.out.println(
        "horizon "
            + horizon
            + ": largest gap "
            + result.gap() / MS
            + " ms around a "
            + result.duration() / MS
            + " ms safepoint");
    assertThat(result.duration())
        .as("the safepoint lasts long enough to tell")
        .isGreaterThan(100 * MS);
    return result;
  }

  @Test
  void aWholeJvmSafepointLeavesNoGapWithTheKernelQueue() throws Exception {
    Safepoint safepoint = gapAroundASafepoint("2000");
    assertThat(safepoint.duration()).as("shorter than the horizon").isLessThan(2_000 * MS);
    assertThat(safepoint.gap()).isPositive().isLessThan(100 * MS);
  }

  @Test
  void sentByTheProtocolThreadTheSafepointIsAGapAsLong() throws Exception {
    Safepoint safepoint = gapAroundASafepoint("0");
    assertThat(safepoint.gap()).isGreaterThanOrEqualTo(safepoint.duration() - 20 * MS);
  }

  @Test
  void overIpv6ThePausedProtocolThreadLeavesNoGapEither() throws Exception {
    Ipv6Hosts.floodMulticast(lan);
    Ipv6Hosts.enable(masterHost, 0x10);
    Ipv6Hosts.enable(listenerHost, 0x20);
    NetnsProcess listener = listen(6_000, "6");
    NetnsProcess node =
        masterOf(Ipv6Hosts.PREFIX + "100/64", "horizon=500", "pause=1000:" + PAUSE_MILLIS);
    node.awaitOutput(out -> out.contains("RESUMED"), START, "pause over");
    long resumed = printed(node, "RESUMED");
    List<Advert> adverts = adverts(listener);
    stop(node);
    long gap = largestGap(adverts, 100, resumed - PAUSE_MILLIS * MS - 500 * MS, resumed + 500 * MS);
    System.out.println("kernel-paced IPv6: largest gap " + gap / MS + " ms around the pause");
    assertThat(gap).isPositive().isLessThan(100 * MS);
    assertThat(node.output()).doesNotContain(KernelPacedAdverts.UNAVAILABLE);
  }

  @Test
  void sentByTheProtocolThreadTheSamePauseIsAGapAsLong() throws Exception {
    long gap = gapAroundThePause("0");
    System.out.println("java-paced: largest gap " + gap / MS + " ms around the pause");
    assertThat(gap).isGreaterThanOrEqualTo((PAUSE_MILLIS - 20) * MS);
  }

  @Test
  void noAdvertWithTheOldPriorityFollowsTheChangeNorAnyFollowsTheResignation() throws Exception {
    NetnsProcess listener = listen(6_000);
    NetnsProcess node = master("horizon=500", "lower=1000:50");
    node.awaitOutput(out -> out.contains("RECONFIGURED"), START, "reconfigured");
    long reconfigured = printed(node, "RECONFIGURED");
    node.awaitOutput(out -> out.contains("STATE"), START, "state");
    // let the new priority go out a while, then stop
    listener.awaitOutput(
        out ->
            out.lines().filter(l -> l.startsWith("ADVERT ") && l.split(" ")[2].equals("50")).count()
                > 20,
        START,
        "adverts at priority 50");
    stop(node);
    long stopped = printed(node, "STOPPED");
    List<Advert> adverts = adverts(listener);

    long firstNew =
        adverts.stream().filter(a -> a.priority() == 50).mapToLong(Advert::at).min().orElseThrow();
    assertThat(adverts.stream().filter(a -> a.priority() == 100 && a.at() > reconfigured))
        .as("priority 100 after the reconfigure returned")
        .isEmpty();
    assertThat(adverts.stream().filter(a -> a.priority() == 100 && a.at() > firstNew))
        .as("priority 100 after the first priority-50 advert")
        .isEmpty();
    long resigned =
        adverts.stream().filter(a -> a.priority() == 0).mapToLong(Advert::at).min().orElseThrow();
    assertThat(resigned).isLessThanOrEqualTo(stopped);
    assertThat(adverts.stream().filter(a -> a.at() > resigned))
        .as("anything after the priority-0 advert")
        .isEmpty();

    // the ring existed while master, and the stop left no descriptor, thread or ring behind
    String[] resources = resourcesLine(node);
    // RESOURCES fds BEFORE AFTER threads BEFORE AFTER io_uring WHILE_MASTER AFTER
    assertThat(resources[3]).as("fds after the stop").isEqualTo(resources[2]);
    assertThat(resources[6]).as("ha4j threads after the stop").isEqualTo("0");
    assertThat(resources[8]).as("io_uring while master").isEqualTo("1");
    assertThat(resources[9]).as("io_uring after the stop").isEqualTo("0");
  }

  private static String[] resourcesLine(NetnsProcess node) {
    return node.output()
        .lines()
        .filter(l -> l.startsWith("RESOURCES "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no RESOURCES line in\n" + node.output()))
        .split(" ");
  }

  @Test
  void aCrashStopsTheQueuedAdvertsAtOnce() throws Exception {
    NetnsProcess listener = listen(4_000);
    NetnsProcess node = master("horizon=500");
    listener.awaitOutput(
        out -> out.lines().filter(l -> l.startsWith("ADVERT ")).count() > 50,
        START,
        "adverts on the wire");
    node.crash(); // SIGKILL: the process dies with 500 ms of adverts queued in the kernel
    long killed = System.nanoTime();
    node.awaitExit(Duration.ofSeconds(10));
    List<Advert> adverts = adverts(listener);
    assertThat(adverts.stream().filter(a -> a.at() > killed + 50 * MS))
        .as("adverts later than 50 ms after the SIGKILL (the queue held 500 ms)")
        .isEmpty();
  }
}
