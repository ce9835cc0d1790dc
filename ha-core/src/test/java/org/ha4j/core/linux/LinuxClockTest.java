package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code struct timespec} read right: HotSpot's {@link System#nanoTime()} is CLOCK_MONOTONIC on
 * Linux, so the kernel's value falls between two JVM readings taken around it (swapped or
 * misaligned fields would be off by years).
 */
class LinuxClockTest {

  @Test
  void monotonicMicrosIsTheClockTheJvmReadsForNanoTime() throws Exception {
    long before = System.nanoTime() / 1_000;
    long micros = LinuxClock.monotonicMicros();
    long after = System.nanoTime() / 1_000;
    assertThat(micros).isBetween(before - 1, after + 1);
  }
}
