package org.ha4j.vrrp;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ha4j.core.linux.Errno;
import org.ha4j.core.linux.NativeCallException;
import org.ha4j.core.linux.ScheduledSender;
import org.ha4j.core.net.IpAddress;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.driver.AdvertQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AdvertQueue} on Linux: a master's adverts queued in an io_uring on the instance's own
 * advert socket ({@link ScheduledSender}), so the kernel sends them on time while the JVM is held
 * up. At sub-second intervals a safepoint that is slow to begin (ordinary threads preempted by busy
 * ones) blocks every Java thread, the real-time protocol thread included, long enough for the
 * backup to take over from a healthy master; queued adverts keep going out meanwhile.
 *
 * <p>The horizon comes from the system property {@value #HORIZON_PROPERTY} (milliseconds, default
 * {@value #DEFAULT_HORIZON_MILLIS}, 0 = off: the protocol thread sends each advert). A JVM hung but
 * alive keeps the VIP up to the horizon longer before its backup takes over; a crash does not,
 * since the process's exit makes the kernel drop the ring and all it holds. Where io_uring is
 * missing or refused the instance says so once, named {@value #UNAVAILABLE}, and sends as before.
 *
 * <p>Protocol thread only, but {@link #close()}, which follows once that thread ended.
 */
final class KernelPacedAdverts implements AdvertQueue {

  static final String HORIZON_PROPERTY = "ha4j.vrrp.advertHorizonMillis";
  static final long DEFAULT_HORIZON_MILLIS = 500;
  static final long MAX_HORIZON_MILLIS = 60_000;

  static final String UNAVAILABLE = "KERNEL_PACED_ADVERTS_UNAVAILABLE";
  static final String SEND_FAILED = "KERNEL_PACED_ADVERT_SEND_FAILED";
  static final String CANCEL_UNCONFIRMED = "KERNEL_PACED_ADVERTS_CANCEL_UNCONFIRMED";

  /**
   * Submission entries: two per advert and destination, so 25 adverts (a 500 ms horizon at 0.02 s)
   * to five unicast peers fit.
   */
  static final int RING_ENTRIES = 256;

  /** How long a withdrawal may wait for the kernel's confirmation (it takes microseconds). */
  static final Duration CANCEL_WAIT = Duration.ofMillis(100);

  private static final Logger log = LoggerFactory.getLogger(KernelPacedAdverts.class);
  private static final AtomicBoolean unavailableLogged = new AtomicBoolean();

  /** Opens the sender on the advert socket. */
  @FunctionalInterface
  interface Opener {
    ScheduledSender open(int entries) throws IOException;
  }

  /** The advert's message for each destination, in {@link #destinations} order. */
  @FunctionalInterface
  interface Encoder {
    byte[][] messages(VrrpAdvertisement advertisement);
  }

  private final String name;
  private final long horizonNanos;
  private final Set<Integer> loggedErrnos = new HashSet<>();
  private final ScheduledSender.Failures failures = this::failed;
  private ScheduledSender sender;
  private Encoder encoder;
  private IpAddress[] destinations;
  private int failedSinceReap;

  private KernelPacedAdverts(
      String name,
      long horizonNanos,
      ScheduledSender sender,
      Encoder encoder,
      IpAddress[] destinations) {
    this.name = name;
    this.horizonNanos = horizonNanos;
    this.sender = sender;
    this.encoder = encoder;
    this.destinations = destinations;
  }

  /**
   * A queue on the socket {@code opener} opens, or {@link AdvertQueue#NONE} when the horizon is 0
   * or the kernel refuses io_uring (logged once per process, naming why).
   *
   * @throws IllegalArgumentException if {@value #HORIZON_PROPERTY} is not 0-60000
   */
  static AdvertQueue open(String name, Opener opener, Encoder encoder, IpAddress[] destinations) {
    long horizonMillis = horizonMillis(System.getProperty(HORIZON_PROPERTY));
    if (horizonMillis == 0) {
      return NONE;
    }
    try {
      return new KernelPacedAdverts(
          name, horizonMillis * 1_000_000L, opener.open(RING_ENTRIES), encoder, destinations);
    } catch (IOException e) {
      if (unavailableLogged.compareAndSet(false, true)) {
        log.warn(
            "({}) {}: {}; adverts are sent by the protocol thread when due, so a JVM pause"
                + " delays them",
            name,
            UNAVAILABLE,
            e.getMessage());
      }
      return NONE;
    }
  }

  /** The horizon {@value #HORIZON_PROPERTY} asks for: default when unset. */
  static long horizonMillis(String property) {
    if (property == null || property.isBlank()) {
      return DEFAULT_HORIZON_MILLIS;
    }
    try {
      long millis = Long.parseLong(property.strip());
      if (millis >= 0 && millis <= MAX_HORIZON_MILLIS) {
        return millis;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new IllegalArgumentException(
        HORIZON_PROPERTY
            + " must be 0 (off) or milliseconds up to "
            + MAX_HORIZON_MILLIS
            + ", got '"
            + property
            + "'");
  }

  /**
   * The instance now advertises through another socket (a reconfigure changed the source or the
   * peers): the old queue withdrawn and closed, a new one on the new socket.
   */
  void retarget(Opener opener, Encoder newEncoder, IpAddress[] newDestinations) {
    cancel();
    closeSender();
    try {
      sender = opener.open(RING_ENTRIES);
      encoder = newEncoder;
      destinations = newDestinations;
    } catch (IOException e) {
      log.warn("({}) {}: {}", name, UNAVAILABLE, e.getMessage());
    }
  }

  @Override
  public long horizonNanos() {
    return sender == null ? 0 : horizonNanos;
  }

  @Override
  public int room() {
    return sender == null ? 0 : sender.room();
  }

  @Override
  public void prepare(VrrpAdvertisement advertisement) {
    sender.prepare(encoder.messages(advertisement), destinations);
  }

  @Override
  public void queue(long dueNanos) {
    sender.queue(dueNanos);
  }

  @Override
  public void submit() throws IOException {
    sender.submit();
  }

  /** Includes the failures a {@link #cancel()} read on the way. */
  @Override
  public int reap() {
    if (sender != null) {
      sender.reap(failures);
    }
    int failed = failedSinceReap;
    failedSinceReap = 0;
    return failed;
  }

  /**
   * One race remains: an advert the kernel already took for sending when the cancel arrives goes
   * out, with the old content; the cancel waits for its completion, so it is on the wire before the
   * new content, never after.
   */
  @Override
  public void cancel() {
    if (sender == null) {
      return;
    }
    if (sender.outstanding() == 0) {
      sender.reap(failures); // counted at the next reap()
      return;
    }
    boolean confirmed;
    try {
      confirmed = sender.cancelAll(CANCEL_WAIT, failures);
    } catch (NativeCallException e) {
      confirmed = false;
    }
    if (!confirmed) {
      log.warn(
          "({}) {}: the kernel did not confirm the withdrawal of {} queued requests within {} ms;"
              + " closing the queue (the kernel drops them) and sending from the protocol thread",
          name,
          CANCEL_UNCONFIRMED,
          sender.outstanding(),
          CANCEL_WAIT.toMillis());
      closeSender();
    }
  }

  private void failed(int destination, int errno) {
    failedSinceReap++;
    if (loggedErrnos.add(errno)) {
      log.warn(
          "({}) {}: {} errno {} ({}); logged once per errno",
          name,
          SEND_FAILED,
          destination < 0
              ? "the kernel refused the advert timer:"
              : "to " + destinations[destination] + ":",
          errno,
          Errno.describe(errno));
    }
  }

  private void closeSender() {
    if (sender != null) {
      sender.close();
      sender = null;
    }
  }

  /** Closes the ring: the kernel drops whatever is still queued. */
  void close() {
    closeSender();
  }
}
