package org.ha4j.examples.reload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The client load of {@link ReloadIT}, run as its own JVM in the client's namespace until a stop
 * file appears: {@code ReloadLoad VIP NAME_PORT ECHO_PORT SHORT_THREADS LONG_SESSIONS STOP_FILE}.
 *
 * <ul>
 *   <li>short connections, one after the other on each thread, to a name server behind the proxy:
 *       every one must answer a backend's name (an error is a refused, reset or empty connection);
 *   <li>long-lived sessions to an echo server behind the proxy, each sending pseudo-random bytes
 *       for the whole run and checking every echoed byte; at the end each half-closes and must get
 *       back every byte it sent before the echo closes.
 * </ul>
 *
 * <p>Output: {@code RUNNING} once every long session is connected; {@code TALLY app1=N app2=N
 * errors=N} every 100 ms (cumulative answers by backend, so a test sees a server join or leave); at
 * the end {@code SHORT ok=N errors=N}, {@code LONG i whole bytes=N} or {@code LONG i FAILED reason}
 * per session, then {@code DONE}.
 */
public final class ReloadLoad {

  private static final int CHUNK = 1024;

  private ReloadLoad() {}

  public static void main(String[] args) throws Exception {
    String vip = args[0];
    int namePort = Integer.parseInt(args[1]);
    int echoPort = Integer.parseInt(args[2]);
    int shortThreads = Integer.parseInt(args[3]);
    int longSessions = Integer.parseInt(args[4]);
    Path stop = Path.of(args[5]);
    stopFile = stop;

    List<LongSession> sessions = new ArrayList<>();
    for (int i = 0; i < longSessions; i++) {
      sessions.add(new LongSession(i, new InetSocketAddress(vip, echoPort)));
    }
    Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < shortThreads; t++) {
      Thread thread =
          new Thread(
              () -> {
                while (!Files.exists(stop)) {
                  String answer = ask(new InetSocketAddress(vip, namePort));
                  if (answer.startsWith("FAIL")) {
                    if (errors.incrementAndGet() <= 20) {
                      System.out.println("SHORT-ERROR " + answer);
                    }
                  } else {
                    ok.incrementAndGet();
                    answers.computeIfAbsent(answer, a -> new AtomicLong()).incrementAndGet();
                  }
                  // the load's pace, not a synchronisation: a few hundred connections a second
                  LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
                }
              },
              "short-" + t);
      thread.start();
      threads.add(thread);
    }
    for (LongSession session : sessions) {
      session.thread.start();
    }
    System.out.println("RUNNING");
    System.out.flush();
    while (!Files.exists(stop)) {
      System.out.println(
          "TALLY app1="
              + answers.getOrDefault("app1", new AtomicLong()).get()
              + " app2="
              + answers.getOrDefault("app2", new AtomicLong()).get()
              + " errors="
              + errors.get());
      System.out.flush();
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    for (Thread thread : threads) {
      thread.join();
    }
    System.out.println("SHORT ok=" + ok.get() + " errors=" + errors.get());
    for (LongSession session : sessions) {
      session.thread.join();
      System.out.println(session.outcome);
    }
    System.out.println("DONE");
    System.out.flush();
  }

  private static String ask(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, 2000);
      socket.setSoTimeout(5000);
      byte[] answer = socket.getInputStream().readAllBytes();
      String name = new String(answer, StandardCharsets.US_ASCII).trim();
      return name.isEmpty() ? "FAIL empty answer" : name;
    } catch (IOException e) {
      return "FAIL " + e;
    }
  }

  /** One echo conversation for the whole run, every byte checked. */
  private static final class LongSession {
    final Thread thread;
    volatile String outcome = "";

    LongSession(int id, InetSocketAddress address) throws IOException {
      Socket socket = new Socket();
      socket.connect(address, 5000);
      socket.setSoTimeout(10_000);
      thread = new Thread(() -> outcome = "LONG " + id + " " + converse(socket, id), "long-" + id);
    }

    private static String converse(Socket socket, int id) {
      SplittableRandom random = new SplittableRandom(id);
      byte[] sent = new byte[CHUNK];
      byte[] echoed = new byte[CHUNK];
      long bytes = 0;
      try (socket) {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        while (true) {
          random.nextBytes(sent);
          out.write(sent);
          out.flush();
          readFully(in, echoed);
          if (!Arrays.equals(sent, echoed)) {
            return "FAILED wrong bytes after " + bytes;
          }
          bytes += CHUNK;
          if (stopRequested()) {
            break;
          }
          // the conversation's pace, not a synchronisation
          LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        socket.shutdownOutput();
        if (in.read() != -1) {
          return "FAILED bytes after the last echo";
        }
        return "whole bytes=" + bytes;
      } catch (IOException e) {
        return "FAILED after " + bytes + " bytes: " + e;
      }
    }

    private static void readFully(InputStream in, byte[] buffer) throws IOException {
      int read = 0;
      while (read < buffer.length) {
        int n = in.read(buffer, read, buffer.length - read);
        if (n < 0) {
          throw new IOException("session ended");
        }
        read += n;
      }
    }
  }

  /** Set once by main, before any session starts. */
  private static volatile Path stopFile;

  private static boolean stopRequested() {
    return Files.exists(stopFile);
  }
}
