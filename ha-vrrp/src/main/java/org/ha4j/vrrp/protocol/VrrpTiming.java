package org.ha4j.vrrp.protocol;

import java.time.Duration;

/**
 * The two derived timers of RFC 3768 §6.1, exact to the nanosecond, and of RFC 9568 §6.1.
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

  /**
   * VRRPv3 {@code Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256} (RFC 9568 §6.1). It
   * scales with the master's interval: 0.609375 s for priority 100 at 1 s, 6.093 ms at 0.01 s.
   * Computed as keepalived 2.2.7 does ({@code VRRP_TIMER_SKEW}), in whole microseconds, truncated,
   * so that both time a takeover alike.
   *
   * @param priority 1-255
   * @param masterAdverInterval the Master_Adver_Interval, 0.01-40.95 s
   */
  public static Duration v3SkewTime(int priority, Duration masterAdverInterval) {
    return Duration.ofNanos(v3SkewNanos(priority, masterAdverInterval.toNanos()));
  }

  /**
   * VRRPv3 {@code Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time} (RFC 9568 §6.1):
   * 3.609375 s for priority 100 at 1 s, 36.093 ms at 0.01 s.
   */
  public static Duration v3MasterDownInterval(Duration masterAdverInterval, int priority) {
    long interval = masterAdverInterval.toNanos();
    return Duration.ofNanos(DOWN_TIMER_ADVERTISEMENTS * interval + v3SkewNanos(priority, interval));
  }

  static long v3SkewNanos(int priority, long masterAdverIntervalNanos) {
    if (priority < 1 || priority > 255) {
      throw new IllegalArgumentException("priority must be 1-255, got " + priority);
    }
    long micros = (256L - priority) * (masterAdverIntervalNanos / 1_000) / 256;
    return micros * 1_000;
  }

  /** {@code 0.05} -> "0.05", {@code 2} -> "2": an interval as keepalived.conf writes it. */
  static String plainSeconds(long nanos) {
    return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
  }

  /** {@code 3.609375} -> "3.609 s": the precision keepalived's logs use. */
  static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3f s", nanos / 1e9);
  }
}
