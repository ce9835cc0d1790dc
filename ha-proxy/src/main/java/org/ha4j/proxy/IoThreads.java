package org.ha4j.proxy;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The threads of one proxy's event loops: named {@code ha4j-proxy-P-io-…} so a thread dump says
 * whose they are, and remembered, so a stop that cannot end them can say which one is stuck and
 * where. Made by Netty's own factory, so they are the threads Netty expects (its thread class, its
 * thread-locals cleaned up when a loop ends).
 */
final class IoThreads extends DefaultThreadFactory {

  private static final AtomicInteger proxies = new AtomicInteger();

  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  IoThreads() {
    super("ha4j-proxy-" + proxies.incrementAndGet() + "-io");
  }

  @Override
  protected Thread newThread(Runnable task, String name) {
    Thread thread = super.newThread(task, name);
    threads.add(thread);
    return thread;
  }

  /** Each thread still alive, with the frame it is in: for the line that reports a stuck stop. */
  String stillRunning() {
    return threads.stream()
        .filter(Thread::isAlive)
        .map(t -> t.getName() + " " + where(t))
        .collect(Collectors.joining(", "));
  }

  private static String where(Thread thread) {
    StackTraceElement[] stack = thread.getStackTrace();
    for (StackTraceElement frame : stack) {
      // the first frame outside the JDK's waiting and locking code is the one that does not return
      String type = frame.getClassName();
      if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
        return "(at " + frame + ")";
      }
    }
    return stack.length > 0 ? "(at " + stack[0] + ")" : "";
  }
}
