package org.ha4j.proxy.faults;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the code under test logs while a fault runs. The tests log through slf4j-simple, which
 * writes every line to whatever {@link System#err} is at that moment; this tees it into a buffer
 * (the console still shows it).
 */
final class LogCapture implements AutoCloseable {

  private final PrintStream original;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private LogCapture() {
    original = System.err;
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (captured) {
              captured.write(b);
            }
            original.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (captured) {
              captured.write(b, off, len);
            }
            original.write(b, off, len);
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  static LogCapture start() {
    return new LogCapture();
  }

  List<String> lines() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
  }

  /** Lines that contain {@code text}. */
  long count(String text) {
    return lines().stream().filter(l -> l.contains(text)).count();
  }

  /** Lines that belong to a printed stack trace. */
  List<String> stackTraceLines() {
    return lines().stream()
        .filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by: "))
        .toList();
  }

  @Override
  public void close() {
    System.err.flush();
    System.setErr(original);
  }
}
