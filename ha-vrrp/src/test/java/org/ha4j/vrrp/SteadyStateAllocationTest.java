package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.awaitility.Awaitility;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.RawIpSocket;
import org.ha4j.core.linux.ScheduledSender;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.core.testing.Privileges;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpEncoder;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.driver.AdvertQueue;
import org.ha4j.vrrp.driver.VrrpDriver;
import org.ha4j.vrrp.net.TransportConfig;
import org.ha4j.vrrp.net.VrrpTransport;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.ha4j.vrrp.testing.NoVirtualAddresses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the VRRP threads allocate per advert once warm, on the instance's own wiring (receiver
 * thread, protocol thread, driver, state machine, encoder, decoder) with only the socket calls
 * replaced. Measured with {@code ThreadMXBean#getThreadAllocatedBytes} on each VRRP thread.
 *
 * <p>The protocol threads of a master and of a backup, and the receiver thread, allocate nothing
 * per advert: the state machine hands a steady master's tick (the same advert, the same arming), a
 * steady backup's re-arm of its Master_Down_Timer (the same arming) and an unchanged snapshot out
 * again, the driver moves those timers in place on the allocation-free {@link ProtocolThread}, and
 * a packet that repeats the previous advert is accepted without decoding it again, its input and
 * hand-off task reused ({@link AdvertHandOff}). A bound of 0 holds in the least of several windows
 * (see {@link #WINDOWS}). The message bytes themselves are encoded once per advert change, not per
 * send ({@link AdvertMessages}). A master whose adverts the kernel sends ({@link
 * KernelPacedAdverts}) is measured on its real io_uring: topping the queue up writes entries into
 * the ring and allocates nothing of its own.
 */
class SteadyStateAllocationTest {

  static final Ipv4Address SELF = Ipv4Address.parse("10.200.0.10");
  static final Ipv4Address PEER = Ipv4Address.parse("10.200.0.11");
  static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
  static final Ipv4Cidr VIP = Ipv4Cidr.parse("10.200.0.100/24");
  static final int WARM_UP = 1_000;

  /**
   * Measured in windows of {@link #PER_WINDOW} adverts, the least of them counting: a one-off (a
   * log line, a kernel queue run dry while a loaded machine stalled the thread) lands in one
   * window, an allocation per advert in every one.
   */
  static final int WINDOWS = 5;

  static final int PER_WINDOW = 100;

  /** Bytes per advert a master's protocol thread may allocate in steady state: none. */
  static final long MASTER_BOUND_PER_ADVERT = 0;

  /** Bytes per advert a backup's protocol thread may allocate in steady state: none. */
  static final long BACKUP_BOUND_PER_ADVERT = 0;

  /** The receiver thread allocates nothing for an advert that repeats the previous one. */
  static final long RECEIVER_BOUND_PER_ADVERT = 0;

  final ProtocolThread scheduler = new ProtocolThread("ha4j-vrrp-alloc-test");
  final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  final AtomicLong sends = new AtomicLong();
  volatile byte[] pending;
  volatile Thread receiverThread;
  AdvertReceiver receiver;

  final VrrpTransport transport =
      new VrrpTransport() {
        @Override
        public Ipv4Address sourceAddress() {
          return SELF;
        }

        @Override
        public List<Ipv4Address> unicastPeers() {
          return List.of();
        }

        @Override
        public void send(byte[] advertisement) {
          sends.incrementAndGet();
        }

        @Override
        public void sendTo(byte[] advertisement, Ipv4Address destination) {
          sends.incrementAndGet();
        }

        @Override
        public org.ha4j.core.linux.ScheduledSender openScheduledSender(int entries)
            throws IOException {
          throw new IOException("a fake transport has no advert socket");
        }

        @Override
        public byte[] receive(int timeoutMillis) {
          receiverThread = Thread.currentThread();
          long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
          while (pending == null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          }
          byte[] packet = pending;
          pending = null;
          return packet;
        }

        @Override
        public void close() {}
      };

  static VrrpRouterConfig config(int priority, Duration interval) {
    return VrrpRouterConfig.builder()
        .instanceName("VI_1")
        .virtualRouterId(51)
        .priority(priority)
        .version(3)
        .advertInterval(interval)
        .primaryAddress(SELF)
        .addVirtualAddress(VIP)
        .build();
  }

  VrrpDriver driver(VrrpRouterConfig config, TransportConfig transportConfig) {
    return VrrpDriver.builder(VrrpStateMachine.create(config))
        .scheduler(scheduler)
        .adverts(new AdvertMessages(transport, transportConfig))
        .addresses(new NoVirtualAddresses())
        .announcer((addresses, repeat) -> {})
        .build();
  }

  @AfterEach
  void close() {
    if (receiver != null) {
      receiver.close();
    }
    scheduler.close();
  }

  @Test
  void aMasterSendingAdvertsAllocatesAtMostTheBoundPerAdvert() throws Exception {
    TransportConfig multicast = new TransportConfig("eth0", 2, SELF, List.of());
    VrrpDriver master = driver(config(100, Duration.ofMillis(10)), multicast);
    scheduler.execute(() -> master.handle(VrrpInput.start()));
    awaitTrue(() -> sends.get() >= WARM_UP, Duration.ofSeconds(60));
    assertThat(master.snapshot().state()).isEqualTo(VrrpState.MASTER);

    long perAdvert = leastPerAdvert(protocolThreadId(), sends::get);
    System.out.println("master: " + perAdvert + " bytes per advert on the protocol thread");
    assertThat(perAdvert).isLessThanOrEqualTo(MASTER_BOUND_PER_ADVERT);
  }

  @Test
  void aMasterToppingUpItsKernelQueueAllocatesAtMostTheBoundPerAdvert() throws Exception {
    Privileges.assumeRoot("a raw socket under the kernel queue");
    // an experimental protocol (RFC 3692) to loopback: the queue's sends never leave the host
    try (RawIpSocket socket = LinuxNetwork.openRawIp(253)) {
      AdvertQueue queue =
          KernelPacedAdverts.open(
              "VI_1",
              entries -> LinuxNetwork.openScheduledSender(socket, entries),
              advert -> {
                byte[] message = new byte[VrrpEncoder.messageLength(advert)];
                VrrpEncoder.encodeMessage(advert, SELF, LOOPBACK, message, 0);
                return new byte[][] {message};
              },
              new IpAddress[] {IpAddress.parse(LOOPBACK.toString())});
      assertThat(queue).isInstanceOf(KernelPacedAdverts.class);
      try {
        VrrpDriver master =
            VrrpDriver.builder(VrrpStateMachine.create(config(100, Duration.ofMillis(10))))
                .scheduler(scheduler)
                .adverts(
                    new AdvertMessages(transport, new TransportConfig("eth0", 2, SELF, List.of())))
                .advertQueue(queue)
                .addresses(new NoVirtualAddresses())
                .announcer((addresses, repeat) -> {})
                .build();
        scheduler.execute(() -> master.handle(VrrpInput.start()));
        awaitTrue(() -> master.advertisementsSent() >= WARM_UP, Duration.ofSeconds(60));
        // the first advert, and one for each time a stall of this thread outlasted the queued
        // horizon (possible on a loaded machine); without the queue it would be every one
        assertThat(sends.get())
            .as("the protocol thread sent the first advert and the kernel nearly all the others")
            .isLessThanOrEqualTo(1 + WARM_UP / 100);

        long perAdvert = leastPerAdvert(protocolThreadId(), master::advertisementsSent);
        System.out.println("kernel-paced master: " + perAdvert + " bytes per advert");
        assertThat(perAdvert).isLessThanOrEqualTo(MASTER_BOUND_PER_ADVERT);
        assertThat(master.sendFailures()).isZero();
      } finally {
        scheduler.close(); // the submitting thread ends first, then the ring
        ((KernelPacedAdverts) queue).close();
      }
    }
  }

  @Test
  void queueingSubmittingAndReapingOnTheKernelQueueAllocateNothing() throws Exception {
    Privileges.assumeRoot("a raw socket under the kernel queue");
    try (RawIpSocket socket = LinuxNetwork.openRawIp(253);
        ScheduledSender sender = LinuxNetwork.openScheduledSender(socket, 256)) {
      sender.prepare(new byte[][] {new byte[40]}, new IpAddress[] {IpAddress.parse("127.0.0.1")});
      ScheduledSender.Failures none = (destination, errno) -> {};
      int rounds = 20_000;
      topUp(sender, none, rounds); // warm-up: compiled, every class loaded
      long thread = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(thread);
      topUp(sender, none, rounds);
      long allocated = threads.getThreadAllocatedBytes(thread) - before;
      System.out.println(rounds + " queue/submit/reap rounds allocated " + allocated + " bytes");
      assertThat(allocated).as("nothing per round").isLessThan(1_024);
      assertThat(sender.sent()).isGreaterThan(rounds);
    }
  }

  /**
   * What the protocol thread does per advert: reap, queue one due time (now: sent at once), submit.
   */
  private static void topUp(ScheduledSender sender, ScheduledSender.Failures failures, int rounds)
      throws IOException {
    for (int i = 0; i < rounds; i++) {
      sender.reap(failures);
      if (sender.room() > 0) {
        sender.queue(System.nanoTime());
        sender.submit();
      }
    }
  }

  @Test
  void aBackupHearingAdvertsAllocatesAtMostTheBoundPerAdvert() throws Exception {
    TransportConfig multicast = new TransportConfig("eth0", 2, SELF, List.of());
    VrrpRouterConfig config = config(100, Duration.ofSeconds(1));
    VrrpDriver backup = driver(config, multicast);
    scheduler.execute(() -> backup.handle(VrrpInput.start()));
    receiver =
        new AdvertReceiver(
            "VI_1",
            transport,
            multicast,
            ReceiveExpectations.builder()
                .version(3)
                .virtualRouterId(51)
                .addresses(List.of(VIP.address()))
                .requireTtl255(true)
                .build(),
            new AdvertHandOff(scheduler::execute, backup::handle),
            (reason, from, detail) -> {
              throw new AssertionError(reason + " " + detail);
            });
    receiver.start();
    byte[] packet =
        VrrpEncoder.encodePacket(
            VrrpAdvertisement.v3(51, 200, 100, List.of(VIP.address())),
            PEER,
            VrrpWireFormat.MULTICAST_GROUP,
            1);

    feed(packet, WARM_UP);
    assertThat(backup.snapshot().state()).isEqualTo(VrrpState.BACKUP);
    long protocol = protocolThreadId();
    long rx = receiverThread.getId();
    long protocolPer = Long.MAX_VALUE;
    long rxPer = Long.MAX_VALUE;
    for (int window = 0; window < WINDOWS; window++) {
      long protocolBefore = threads.getThreadAllocatedBytes(protocol);
      long rxBefore = threads.getThreadAllocatedBytes(rx);
      feed(packet, PER_WINDOW);
      protocolPer =
          Math.min(
              protocolPer,
              (threads.getThreadAllocatedBytes(protocol) - protocolBefore) / PER_WINDOW);
      rxPer = Math.min(rxPer, (threads.getThreadAllocatedBytes(rx) - rxBefore) / PER_WINDOW);
    }

    System.out.println(
        "backup: "
            + rxPer
            + " bytes per advert on the receiver thread, "
            + protocolPer
            + " on the protocol thread");
    assertThat(rxPer).isLessThanOrEqualTo(RECEIVER_BOUND_PER_ADVERT);
    assertThat(protocolPer).isLessThanOrEqualTo(BACKUP_BOUND_PER_ADVERT);
  }

  /** Bytes per advert {@code thread} allocates in the least of {@link #WINDOWS} windows. */
  private long leastPerAdvert(long thread, LongSupplier adverts) {
    long least = Long.MAX_VALUE;
    for (int window = 0; window < WINDOWS; window++) {
      long start = adverts.getAsLong();
      long before = threads.getThreadAllocatedBytes(thread);
      awaitTrue(() -> adverts.getAsLong() >= start + PER_WINDOW, Duration.ofSeconds(30));
      long allocated = threads.getThreadAllocatedBytes(thread) - before;
      least = Math.min(least, allocated / (adverts.getAsLong() - start));
    }
    return least;
  }

  /** Hands {@code count} packets to the receiver one at a time; returns once all are handled. */
  private void feed(byte[] packet, int count) throws Exception {
    long start = receiver.received();
    for (int i = 1; i <= count; i++) {
      pending = packet;
      long expected = start + i;
      awaitTrue(() -> receiver.received() >= expected, Duration.ofSeconds(10));
    }
    protocolThreadId(); // the protocol thread has handled every advert queued before this
  }

  private long protocolThreadId() throws Exception {
    CompletableFuture<Long> id = new CompletableFuture<>();
    scheduler.execute(() -> id.complete(Thread.currentThread().getId()));
    return id.get(10, TimeUnit.SECONDS);
  }

  private static void awaitTrue(BooleanSupplier condition, Duration within) {
    Awaitility.await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(1))
        .until(condition::getAsBoolean);
  }
}
