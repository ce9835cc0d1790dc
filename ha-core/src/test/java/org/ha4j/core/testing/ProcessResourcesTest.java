package org.ha4j.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ProcessResourcesTest {

    @Test
    void countsAnOpenedSocketAndItsClose() throws IOException {
        ProcessResources before = ProcessResources.self();
        try (ServerSocketChannel open = ServerSocketChannel.open()) {
            assertTrue(open.isOpen());
            assertEquals(before.openFds() + 1, ProcessResources.self().openFds());
        }
        ProcessResources.awaitFdsBackTo(before, 0, Duration.ofSeconds(5));
    }

    @Test
    void seesABusyThreadAsCpuAndAnIdleOneAsNone() throws InterruptedException {
        long pid = ProcessHandle.current().pid();
        AtomicBoolean spin = new AtomicBoolean(true);
        Thread spinner = new Thread(() -> {
            long x = 0;
            while (spin.get()) {
                x++;
            }
        });
        spinner.start();
        try {
            assertTrue(ProcessResources.cpuShareOver(pid, Duration.ofMillis(500)) > 0.5, "a spinning thread");
            assertTrue(ProcessResources.self().threads() >= 2);
        } finally {
            spin.set(false);
            spinner.join();
        }
    }
}
