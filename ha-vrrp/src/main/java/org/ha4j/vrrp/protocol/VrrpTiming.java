package org.ha4j.vrrp.protocol;

import java.time.Duration;

/**
 * The two derived timers of RFC 3768 §6.1, exact to the nanosecond.
 *
 * <p>In VRRPv2 the skew is a fraction of one second, whatever the advertisement interval (unlike
 * VRRPv3, where it scales with the interval): one priority step moves the down timer by 1/256 s,
 * which is exactly 3 906 250 ns, so every value here is an integer number of nanoseconds.
 */
public final class VrrpTiming {

  /** Nanoseconds per priority step of the skew: 1 s / 256. */
  static final long NANOS_PER_SKEW_STEP = 1_000_000_000L / 256;

  /**
   * RFC 3768 §6.1: a Backup declares the Master down after missing this many advertisements (plus
   * skew).
   */
  public static final int DOWN_TIMER_ADVERTISEMENTS = 3;

  private VrrpTiming() {}

  /**
   * {@code Skew_Time = (256 - Priority) / 256} seconds (RFC 3768 §6.1): 0.609375 s for priority
   * 100, 0.6484375 s for 90.
   *
   * @param priority 1-255
   */
  public static Duration skewTime(int priority) {
    return Duration.ofNanos(skewNanos(priority));
  }

  /**
   * {@code Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time} (RFC 3768 §6.1): 3.609375
   * s for priority 100 and a 1 s interval, 3.6484375 s for priority 90.
   *
   * @param advertIntervalSeconds 1-255
   * @param priority 1-255
   */
  public static Duration masterDownInterval(int advertIntervalSeconds, int priority) {
    return Duration.ofNanos(masterDownNanos(advertIntervalSeconds, priority));
  }

  static long skewNanos(int priority) {
    if (priority < 1 || priority > 255) {
      throw new IllegalArgumentException("priority must be 1-255, got " + priority);
    }
    return (256L - priority) * NANOS_PER_SKEW_STEP;
  }

  static long masterDownNanos(int advertIntervalSeconds, int priority) {
    return downBaseNanos(advertIntervalSeconds) + skewNanos(priority);
  }

  /** The {@code 3 * Advertisement_Interval} part of the down interval. */
  static long downBaseNanos(int advertIntervalSeconds) {
    if (advertIntervalSeconds < 1 || advertIntervalSeconds > 255) {
      throw new IllegalArgumentException(
          "advert interval must be 1-255 s, got " + advertIntervalSeconds);
    }
    return DOWN_TIMER_ADVERTISEMENTS * advertIntervalSeconds * 1_000_000_000L;
  }

  /** {@code 3.609375} -> "3.609 s": the precision keepalived's logs use. */
  static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3f s", nanos / 1e9);
  }
}
