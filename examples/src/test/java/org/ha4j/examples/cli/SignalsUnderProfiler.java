package org.ha4j.examples.cli;

/**
 * A process that installs the command line's signal handlers and then keeps one thread busy in Java
 * code for the given milliseconds, so that a profiler attached to it has something to sample.
 */
public final class SignalsUnderProfiler {

  private SignalsUnderProfiler() {}

  public static void main(String[] args) {
    ProcessSignals.install(line -> System.out.println(line));
    System.out.println("handlers installed");
    long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
    double sink = 0;
    while (System.nanoTime() < end) {
      sink += Math.sqrt(sink + 1);
    }
    System.out.println("done " + (sink > 0));
  }
}
