package org.ha4j.health.os;

import static org.ha4j.health.os.SystemProbes.format;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.Probe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;

/**
 * The /proc readings behind {@link SystemProbes}: parsing and arithmetic are pure and tested as
 * such.
 */
final class ResourceProbes {

  private ResourceProbes() {}

  /** {@code /proc/loadavg}: "0.52 0.58 0.59 2/345 12345". */
  record LoadProbe(int minutes, double max, ProcFs procFs) implements Probe {
    @Override
    public ProbeResult check(ProbeContext context) {
      String[] fields = procFs.readRequired("loadavg").strip().split("\\s+");
      double load = Double.parseDouble(fields[minutes == 1 ? 0 : minutes == 5 ? 1 : 2]);
      String detail = "load average " + minutes + " min " + format(load);
      return load <= max
          ? ProbeResult.ok(detail + " <= " + format(max))
          : ProbeResult.failed(detail + " > " + format(max));
    }

    @Override
    public String toString() {
      return "load" + minutes + " <= " + format(max);
    }
  }

  /** {@code /proc/meminfo}: MemAvailable (kernel's estimate of memory usable without swapping). */
  record MemoryProbe(long minBytes, double minPercent, ProcFs procFs) implements Probe {
    @Override
    public ProbeResult check(ProbeContext context) {
      Map<String, Long> info = meminfo(procFs.readRequired("meminfo"));
      Long available = info.get("MemAvailable");
      Long total = info.get("MemTotal");
      if (available == null || total == null) {
        return ProbeResult.failed("/proc/meminfo has no MemAvailable (Linux 3.14 or later needed)");
      }
      String detail = "memory available " + (available >> 20) + " MiB of " + (total >> 20) + " MiB";
      boolean ok = minBytes >= 0 ? available >= minBytes : 100.0 * available / total >= minPercent;
      String wanted = minBytes >= 0 ? (minBytes >> 20) + " MiB" : format(minPercent) + " %";
      return ok
          ? ProbeResult.ok(detail + ", need " + wanted)
          : ProbeResult.failed(detail + ", below " + wanted);
    }

    @Override
    public String toString() {
      return "memory available >= "
          + (minBytes >= 0 ? minBytes + " bytes" : format(minPercent) + " %");
    }
  }

  /** Parses meminfo lines like "MemAvailable: 1234 kB" into bytes. */
  static Map<String, Long> meminfo(String text) {
    Map<String, Long> values = new HashMap<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String[] parts = line.substring(colon + 1).strip().split("\\s+");
      try {
        long value = Long.parseLong(parts[0]);
        values.put(
            line.substring(0, colon),
            parts.length > 1 && parts[1].equals("kB") ? value * 1024 : value);
      } catch (NumberFormatException e) {
        // not a number: not a field we read
      }
    }
    return values;
  }

  /** Busy and total jiffies from the aggregate "cpu" line of {@code /proc/stat}. */
  record CpuSample(long busy, long total) {
    /**
     * Fields: user nice system idle iowait irq softirq steal guest guest_nice. Guest time is
     * already counted in user and nice, so it is not added again; idle and iowait are the not-busy
     * part.
     */
    static CpuSample parse(String procStat) {
      String line =
          procStat
              .lines()
              .filter(l -> l.startsWith("cpu "))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no aggregate cpu line in /proc/stat"));
      String[] f = line.substring(4).strip().split("\\s+");
      long total = 0;
      for (int i = 0; i < Math.min(f.length, 8); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[3]) + (f.length > 4 ? Long.parseLong(f[4]) : 0);
      return new CpuSample(total - idle, total);
    }

    /** The busy percentage between an earlier sample and this one; 0 if no time passed. */
    double busyPercentSince(CpuSample earlier) {
      long total = this.total - earlier.total;
      return total <= 0 ? 0 : Math.max(0, Math.min(100, 100.0 * (busy - earlier.busy) / total));
    }
  }

  /**
   * A rate probe: compares this sample with the previous check's, or waits a short window for a
   * second one.
   */
  abstract static class RateProbe<S> implements AsyncProbe {
    private S previous;
    private long previousNanos;

    abstract S sample();

    abstract ProbeResult judge(S earlier, S later, Duration elapsed);

    @Override
    public CompletionStage<ProbeResult> start(ProbeContext context) {
      CompletableFuture<ProbeResult> result = new CompletableFuture<>();
      try {
        S now = sample();
        long nowNanos = context.scheduler().nanoTime();
        S earlier;
        long earlierNanos;
        synchronized (this) {
          earlier = previous;
          earlierNanos = previousNanos;
          previous = now;
          previousNanos = nowNanos;
        }
        if (earlier != null && nowNanos - earlierNanos >= Duration.ofMillis(10).toNanos()) {
          result.complete(judge(earlier, now, Duration.ofNanos(nowNanos - earlierNanos)));
          return result;
        }
        context
            .scheduler()
            .schedule(
                Duration.ofMillis(SystemProbes.FIRST_WINDOW_MILLIS),
                () -> {
                  try {
                    S later = sample();
                    long laterNanos = context.scheduler().nanoTime();
                    synchronized (this) {
                      previous = later;
                      previousNanos = laterNanos;
                    }
                    result.complete(judge(now, later, Duration.ofNanos(laterNanos - nowNanos)));
                  } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                  }
                });
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
      return result;
    }
  }

  static final class CpuProbe extends RateProbe<CpuSample> {
    private final double maxPercent;
    private final ProcFs procFs;

    CpuProbe(double maxPercent, ProcFs procFs) {
      this.maxPercent = maxPercent;
      this.procFs = procFs;
    }

    @Override
    CpuSample sample() {
      return CpuSample.parse(procFs.readRequired("stat"));
    }

    @Override
    ProbeResult judge(CpuSample earlier, CpuSample later, Duration elapsed) {
      double busy = later.busyPercentSince(earlier);
      String detail = "CPU busy " + format(busy) + " % over " + elapsed.toMillis() + " ms";
      return busy <= maxPercent
          ? ProbeResult.ok(detail + " <= " + format(maxPercent) + " %")
          : ProbeResult.failed(detail + " > " + format(maxPercent) + " %");
    }

    @Override
    public String toString() {
      return "cpu busy <= " + format(maxPercent) + " %";
    }
  }

  /**
   * Milliseconds each block device has spent with I/O in flight ({@code /proc/diskstats} field 13,
   * io_ticks).
   */
  static Map<String, Long> ioTicks(String diskstats) {
    Map<String, Long> ticks = new HashMap<>();
    for (String line : diskstats.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 13) {
        ticks.put(f[2], Long.parseLong(f[12]));
      }
    }
    return ticks;
  }

  static final class DiskProbe extends RateProbe<Map<String, Long>> {
    private final String device;
    private final double maxPercent;
    private final ProcFs procFs;

    DiskProbe(String device, double maxPercent, ProcFs procFs) {
      this.device = device;
      this.maxPercent = maxPercent;
      this.procFs = procFs;
    }

    @Override
    Map<String, Long> sample() {
      return ioTicks(procFs.readRequired("diskstats"));
    }

    @Override
    ProbeResult judge(Map<String, Long> earlier, Map<String, Long> later, Duration elapsed) {
      String busiest = null;
      double busiestPercent = -1;
      for (Map.Entry<String, Long> entry : later.entrySet()) {
        String name = entry.getKey();
        boolean wanted = device != null ? name.equals(device) : isWholeDisk(name);
        Long before = earlier.get(name);
        if (!wanted || before == null) {
          continue;
        }
        double percent =
            Math.min(100, 100.0 * (entry.getValue() - before) / Math.max(1, elapsed.toMillis()));
        if (percent > busiestPercent) {
          busiest = name;
          busiestPercent = percent;
        }
      }
      if (busiest == null) {
        return ProbeResult.failed(
            device != null
                ? "no device " + device + " in /proc/diskstats"
                : "no whole disk in /proc/diskstats");
      }
      String detail =
          "disk "
              + busiest
              + " busy "
              + format(busiestPercent)
              + " % over "
              + elapsed.toMillis()
              + " ms";
      return busiestPercent <= maxPercent
          ? ProbeResult.ok(detail + " <= " + format(maxPercent) + " %")
          : ProbeResult.failed(detail + " > " + format(maxPercent) + " %");
    }

    /** A disk as /sys/block lists it, leaving out loop devices and RAM disks. */
    private boolean isWholeDisk(String name) {
      return !name.startsWith("loop")
          && !name.startsWith("ram")
          && !name.startsWith("zram")
          && java.nio.file.Files.isDirectory(procFs.sys("block/" + name));
    }

    @Override
    public String toString() {
      return "disk "
          + (device == null ? "(busiest)" : device)
          + " busy <= "
          + format(maxPercent)
          + " %";
    }
  }
}
