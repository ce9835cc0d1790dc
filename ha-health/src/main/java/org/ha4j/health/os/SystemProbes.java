package org.ha4j.health.os;

import java.util.Locale;
import org.ha4j.health.AsyncProbe;

/**
 * Probes of the machine itself, read from {@code /proc} (proc(5)), each against a threshold: the
 * "CPU, memory, IO" signals the reference deployment says could decide a failover.
 *
 * <pre>{@code
 * AsyncProbe notOverloaded = Probes.all(
 *         SystemProbes.loadAverage(1, 8.0),          // 1-minute load at most 8
 *         SystemProbes.cpuBusy(95.0),                // CPU busy at most 95 % since the last check
 *         SystemProbes.memoryAvailable(256L << 20),  // at least 256 MiB available
 *         SystemProbes.diskBusy("vda", 90.0));       // vda busy at most 90 % of the time
 * }</pre>
 *
 * <p>CPU and disk figures are rates: each check measures since the previous one, and the first
 * check takes two samples {@value #FIRST_WINDOW_MILLIS} ms apart on the scheduler's clock.
 */
public final class SystemProbes {

  /** The window of the first CPU or disk measurement, before a previous sample exists. */
  public static final long FIRST_WINDOW_MILLIS = 250;

  private SystemProbes() {}

  /** Healthy while the load average over {@code minutes} (1, 5 or 15) is at most {@code max}. */
  public static AsyncProbe loadAverage(int minutes, double max) {
    return loadAverage(minutes, max, ProcFs.SYSTEM);
  }

  /**
   * Healthy while the CPUs were busy at most {@code maxPercent} (0-100) of the time since the last
   * check.
   */
  public static AsyncProbe cpuBusy(double maxPercent) {
    return cpuBusy(maxPercent, ProcFs.SYSTEM);
  }

  /** Healthy while {@code MemAvailable} is at least {@code minBytes}. */
  public static AsyncProbe memoryAvailable(long minBytes) {
    if (minBytes < 0) {
      throw new IllegalArgumentException("minBytes must be >= 0, got " + minBytes);
    }
    return AsyncProbe.blocking(new ResourceProbes.MemoryProbe(minBytes, -1, ProcFs.SYSTEM));
  }

  /**
   * Healthy while {@code MemAvailable} is at least {@code minPercent} (0-100) of {@code MemTotal}.
   */
  public static AsyncProbe memoryAvailablePercent(double minPercent) {
    return AsyncProbe.blocking(
        new ResourceProbes.MemoryProbe(
            -1, requirePercent("minPercent", minPercent), ProcFs.SYSTEM));
  }

  /**
   * Healthy while the disk was busy (had I/O in flight, iostat's %util) at most {@code maxPercent}
   * of the time since the last check.
   *
   * @param device a name from {@code /proc/diskstats} such as {@code sda}, or null for the busiest
   *     whole disk (loop, ram and zram devices left out)
   */
  public static AsyncProbe diskBusy(String device, double maxPercent) {
    return diskBusy(device, maxPercent, ProcFs.SYSTEM);
  }

  static AsyncProbe loadAverage(int minutes, double max, ProcFs procFs) {
    if (minutes != 1 && minutes != 5 && minutes != 15) {
      throw new IllegalArgumentException("load average minutes must be 1, 5 or 15, got " + minutes);
    }
    if (!(max >= 0) || Double.isInfinite(max)) {
      throw new IllegalArgumentException("max load must be a number >= 0, got " + max);
    }
    return AsyncProbe.blocking(new ResourceProbes.LoadProbe(minutes, max, procFs));
  }

  static AsyncProbe cpuBusy(double maxPercent, ProcFs procFs) {
    return new ResourceProbes.CpuProbe(requirePercent("maxPercent", maxPercent), procFs);
  }

  static AsyncProbe diskBusy(String device, double maxPercent, ProcFs procFs) {
    if (device != null && (device.isEmpty() || device.contains("/"))) {
      throw new IllegalArgumentException(
          "device must be a name from /proc/diskstats such as sda, got '" + device + "'");
    }
    return new ResourceProbes.DiskProbe(device, requirePercent("maxPercent", maxPercent), procFs);
  }

  static double requirePercent(String name, double value) {
    if (!(value >= 0 && value <= 100)) {
      throw new IllegalArgumentException(name + " must be 0-100, got " + value);
    }
    return value;
  }

  static String format(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
