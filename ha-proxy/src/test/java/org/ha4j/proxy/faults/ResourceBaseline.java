package org.ha4j.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import org.ha4j.core.testing.ProcessResources;
import org.junit.jupiter.api.Assertions;

/**
 * What this JVM holds before a fault, and the check that it is back there after it: open fds, threads, Netty
 * direct memory, and an idle CPU share. Taken after a warm-up through the same proxy, so pools that keep what
 * they grew to (the splice engine's pipes, the allocator's chunks) are part of the baseline, not a "leak".
 */
record ResourceBaseline(ProcessResources process, long nettyDirectMemory) {

    /** Idle means below this share of one core; a loop spinning on a dead socket shows as about 1.0. */
    static final double IDLE_CPU_SHARE = 0.1;
    /** A measuring window: long enough that a spinning loop cannot hide, short enough for CI. */
    static final Duration CPU_WINDOW = Duration.ofSeconds(1);
    /** Windows tried before the CPU check fails: JIT compilation after a burst may take the first one. */
    static final int CPU_WINDOWS = 3;

    static ResourceBaseline take() {
        return new ResourceBaseline(ProcessResources.self(), directMemory());
    }

    /**
     * Direct memory Netty holds: its own counter where Netty tracks direct memory itself, else what the default
     * allocator has taken from the system.
     */
    static long directMemory() {
        long counted = PlatformDependent.usedDirectMemory();
        if (counted >= 0) {
            return counted;
        }
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    /** Fails unless fds, threads and direct memory return to this baseline and the process then idles. */
    void assertBackAfter(String fault) {
        long pid = process.pid();
        ProcessResources.awaitSettled(pid, now -> now.openFds() <= process.openFds(), Duration.ofSeconds(10),
                fault + ": open fds back to " + process.openFds());
        ProcessResources.awaitSettled(pid, now -> now.threads() <= process.threads(), Duration.ofSeconds(10),
                fault + ": threads back to " + process.threads());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (directMemory() > nettyDirectMemory && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        assertThat(directMemory()).as(fault + ": Netty direct memory back to baseline").isLessThanOrEqualTo(nettyDirectMemory);
        assertIdle(fault);
    }

    /** The CPU share of this process over an idle window stays below {@link #IDLE_CPU_SHARE}. */
    void assertIdle(String fault) {
        double share = 0;
        for (int i = 0; i < CPU_WINDOWS; i++) {
            share = ProcessResources.cpuShareOver(process.pid(), CPU_WINDOW);
            if (share < IDLE_CPU_SHARE) {
                return;
            }
        }
        Assertions.fail(fault + ": CPU share over an idle " + CPU_WINDOW.toMillis() + " ms window is " + share
                + " of a core (bound " + IDLE_CPU_SHARE + ", " + CPU_WINDOWS + " windows tried): a loop spins");
    }
}
