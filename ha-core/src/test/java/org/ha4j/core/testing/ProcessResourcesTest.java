package org.ha4j.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
    Thread spinner =
        new Thread(
            () -> {
              long x = 0;
              while (spin.get()) {
                x++;
              }
            });
    spinner.start();
    try {
      // on a loaded machine the spinner gets less than a core: compare with what the JVM says it
      // got
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long before = threads.getThreadCpuTime(spinner.getId());
      long start = System.nanoTime();
      double share = ProcessResources.cpuShareOver(pid, Duration.ofMillis(500));
      double spinnerShare =
          (double) (threads.getThreadCpuTime(spinner.getId()) - before)
              / (System.nanoTime() - start);
      assertTrue(spinnerShare > 0.01, "the spinner ran: " + spinnerShare);
      assertTrue(
          share >= spinnerShare - 0.05, "process share " + share + " >= spinner's " + spinnerShare);
      assertTrue(ProcessResources.self().threads() >= 2);
    } finally {
      spin.set(false);
      spinner.join();
    }
  }
}
