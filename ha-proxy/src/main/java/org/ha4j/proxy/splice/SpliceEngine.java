package org.ha4j.proxy.splice;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.ha4j.core.linux.Architecture;
import org.ha4j.core.linux.EpollSet;
import org.ha4j.core.linux.LinuxNative;
import org.ha4j.core.linux.NativeCallException;
import org.ha4j.core.linux.NonBlockingIo;
import org.ha4j.core.linux.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bytes between two connected TCP sockets with {@code splice(2)}: socket to pipe to socket,
 * never through user space. One engine runs a few threads, each with its own edge-triggered epoll
 * set and its own pool of pipes, the way HAProxy pools pipes per thread ({@code src/pipe.c}).
 *
 * <p><b>Why this and not Netty's {@code AbstractEpollStreamChannel.spliceTo}.</b> {@code spliceTo}
 * is deprecated in Netty 4.2 and removed in 5.0 (netty#15911, #15898: "quite buggy"), has open and
 * fixed bugs around half-close and RDHUP (busy loop, no {@code channelInactive}: #12123; stuck when
 * started outside {@code channelActive}: #13690; "complete already" on close: #13831), and it
 * creates one pipe pair per target channel that lives as long as the channel, so an idle session
 * would hold two pipes (four descriptors). Here the sockets stay owned by Netty (accept, connect,
 * close, options), are deregistered from Netty's event loop for the relay, and a pipe is leased
 * from the pool only while bytes are in flight: an idle session holds no pipe. The cost is a second
 * epoll loop, under our control, on ha-core's native layer ({@link EpollSet}, {@link
 * NonBlockingIo}).
 *
 * <p>The engine never closes the sockets it relays; it reports the end through {@link
 * Listener#finished} and the owner closes them.
 */
public final class SpliceEngine implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SpliceEngine.class);

  /**
   * What the engine tells the owner of a relayed pair. Called on an engine thread; must not block.
   */
  public interface Listener {
    /** {@code n} bytes moved from client to server ({@code fromClient}) or back. */
    void transferred(boolean fromClient, long n);

    /** Bytes now sitting in pipes changed by {@code delta}. */
    default void buffered(long delta) {}

    /**
     * The relay has ended: both sides reached EOF and passed it on, or a side failed. {@code reset}
     * asks the owner to reset (RST) the side named by {@code resetClient} rather than close it
     * gracefully.
     */
    void finished(boolean reset, boolean resetClient);
  }

  /** A relay in progress; {@link #close()} ends it from any thread. */
  public interface Handle {
    void close();
  }

  /**
   * Where one direction stands when the engine takes it over from another relay: bytes already read
   * from the source that the destination has not received yet (written before anything is spliced),
   * whether the source has ended, and whether that end has already been passed on as a FIN.
   */
  public record Backlog(byte[] bytes, boolean sourceEnded, boolean finSent) {
    /** Nothing pending, source open. */
    public static final Backlog NONE = new Backlog(new byte[0], false, false);

    public Backlog {
      Objects.requireNonNull(bytes, "bytes");
      if (finSent && !sourceEnded) {
        throw new IllegalArgumentException("a FIN can only have been sent after the source ended");
      }
    }
  }

  private static final AtomicInteger ENGINES = new AtomicInteger();

  private final Loop[] loops;
  private final AtomicInteger next = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong relayed =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param threads engine threads, 1 or more
   * @param pipeSize the pipe capacity to ask for with F_SETPIPE_SZ (0 keeps the kernel's default,
   *     64 KiB)
   * @throws NativeCallException if epoll or eventfd cannot be created
   * @throws IllegalStateException if this platform cannot splice ({@link #unavailableReason()} says
   *     why)
   */
  public SpliceEngine(int threads, int pipeSize) throws NativeCallException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (pipeSize < 0) {
      throw new IllegalArgumentException(
          "pipeSize must be >= 0 (0: the kernel's default), got " + pipeSize);
    }
    Optional<String> unavailable = unavailableReason();
    if (unavailable.isPresent()) {
      throw new IllegalStateException(unavailable.get());
    }
    Architecture architecture = Architecture.current().orElseThrow();
    int id = ENGINES.incrementAndGet();
    loops = new Loop[threads];
    try {
      for (int i = 0; i < threads; i++) {
        loops[i] = new Loop(architecture, pipeSize, "ha4j-splice-" + id + "-" + i);
      }
    } catch (NativeCallException e) {
      close();
      throw e;
    }
    for (Loop loop : loops) {
      loop.thread.start();
    }
  }

  /** Whether this platform can splice; {@link #unavailableReason()} says why not. */
  public static boolean available() {
    return unavailableReason().isEmpty();
  }

  /** Why this JVM's platform cannot splice, or empty if it can. */
  public static Optional<String> unavailableReason() {
    return unavailableReason(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
  }

  /**
   * Why a platform cannot splice: it needs Linux with libc (the native layer) on an architecture
   * whose {@code struct epoll_event} layout ha4j knows, since reading events with another
   * architecture's layout would misread every one of them.
   *
   * @param osName as in {@code os.name}
   * @param osArch as in {@code os.arch}
   */
  public static Optional<String> unavailableReason(String osName, String osArch) {
    Optional<String> nativeLayer = LinuxNative.unavailableReason(osName);
    if (nativeLayer.isPresent()) {
      return nativeLayer;
    }
    if (Architecture.named(osArch).isEmpty()) {
      return Optional.of(
          "the splice relay knows struct epoll_event only on "
              + Architecture.knownNames()
              + ", not on CPU architecture '"
              + osArch
              + "'");
    }
    return Optional.empty();
  }

  /**
   * Starts relaying between two connected, non-blocking sockets that no other poller watches.
   *
   * @param clientEof the client already sent its FIN before the relay started
   */
  public Handle relay(int clientFd, int serverFd, boolean clientEof, Listener listener) {
    return relay(
        clientFd,
        serverFd,
        clientEof ? new Backlog(new byte[0], true, false) : Backlog.NONE,
        Backlog.NONE,
        listener);
  }

  /**
   * Takes over a relay another mover started: {@code up} (client to server) and {@code down} say
   * what each direction still owes its destination. The pending bytes go out (and count as
   * transferred) before any splicing, so nothing is reordered.
   */
  public Handle relay(int clientFd, int serverFd, Backlog up, Backlog down, Listener listener) {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(up, "up");
    Objects.requireNonNull(down, "down");
    Loop loop = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    Pair pair = new Pair(loop, clientFd, serverFd, up, down, listener);
    relayed.incrementAndGet();
    loop.execute(() -> loop.add(pair));
    return () -> loop.execute(() -> loop.end(pair, false, false));
  }

  /** Pairs handed to this engine so far (for tests and status). */
  public long relayedPairs() {
    return relayed.get();
  }

  /** Pipes currently idle in the pools (for tests and status). */
  public int idlePipes() {
    int n = 0;
    for (Loop loop : loops) {
      if (loop != null) {
        n += loop.idlePipeCount;
      }
    }
    return n;
  }

  /** Pipes currently leased to sessions with bytes in flight. */
  public int leasedPipes() {
    int n = 0;
    for (Loop loop : loops) {
      if (loop != null) {
        n += loop.leasedPipeCount;
      }
    }
    return n;
  }

  @Override
  public void close() {
    for (Loop loop : loops) {
      if (loop != null) {
        loop.shutdown();
      }
    }
  }

  // ------------------------------------------------------------------------------------------------

  /** One direction of a pair: src socket -> pipe -> dst socket. */
  private static final class Direction {
    final int src;
    final int dst;
    final boolean fromClient;
    Pipe pipe;
    long inPipe;
    boolean srcEof;
    boolean finSent;

    /** Bytes handed over with the pair, written to {@link #dst} before anything is spliced. */
    ByteBuffer pending;

    Direction(int src, int dst, boolean fromClient, Backlog backlog) {
      this.src = src;
      this.dst = dst;
      this.fromClient = fromClient;
      this.srcEof = backlog.sourceEnded();
      this.finSent = backlog.finSent();
      if (backlog.bytes().length > 0) {
        pending = ByteBuffer.allocateDirect(backlog.bytes().length).put(backlog.bytes()).flip();
      }
    }

    long pendingBytes() {
      return pending == null ? 0 : pending.remaining();
    }
  }

  private static final class Pair {
    final Loop loop;
    final int clientFd;
    final int serverFd;
    final Direction up;
    final Direction down;
    final Listener listener;
    final long key;
    boolean ended;

    Pair(Loop loop, int clientFd, int serverFd, Backlog up, Backlog down, Listener listener) {
      this.loop = loop;
      this.clientFd = clientFd;
      this.serverFd = serverFd;
      this.up = new Direction(clientFd, serverFd, true, up);
      this.down = new Direction(serverFd, clientFd, false, down);
      this.listener = listener;
      this.key = loop.nextKey++;
    }
  }

  private static final class Loop {
    private static final int MAX_EVENTS = 256;
    private static final int MAX_IDLE_PIPES = 64;

    final Thread thread;
    final EpollSet epoll;
    final int pipeSize;
    final long chunk;
    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    final Map<Long, Pair> pairs = new HashMap<>();
    final ArrayDeque<Pipe> idlePipes = new ArrayDeque<>();
    volatile int idlePipeCount;
    volatile int leasedPipeCount;
    long nextKey = 1;
    volatile boolean running = true;

    Loop(Architecture architecture, int pipeSize, String name) throws NativeCallException {
      this.pipeSize = pipeSize;
      this.epoll = EpollSet.open(architecture, MAX_EVENTS);
      this.chunk = pipeSize > 0 ? pipeSize : 65536;
      this.thread = new Thread(this::run, name);
      thread.setDaemon(true);
    }

    void execute(Runnable task) {
      tasks.add(task);
      if (Thread.currentThread() != thread) {
        epoll.wakeUp();
      }
    }

    private void run() {
      try {
        while (running) {
          runTasks();
          int n = epoll.await(tasks.isEmpty() ? -1 : 0);
          for (int i = 0; i < n; i++) {
            Pair pair = pairs.get(epoll.ready(i) >>> 1);
            if (pair != null && !pair.ended) {
              pump(pair);
            }
          }
        }
      } catch (NativeCallException e) {
        log.error("{}; splice loop {} stops", e.getMessage(), thread.getName());
      } catch (RuntimeException | Error e) {
        log.error("splice loop {} failed", thread.getName(), e);
      } finally {
        for (Pair pair : pairs.values().toArray(new Pair[0])) {
          end(pair, false, false);
        }
        for (Pipe p : idlePipes) {
          p.close();
        }
        idlePipes.clear();
        epoll.close();
      }
    }

    private void runTasks() {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("splice task failed", e);
        }
      }
    }

    void add(Pair pair) {
      pairs.put(pair.key, pair);
      long pending = pair.up.pendingBytes() + pair.down.pendingBytes();
      if (pending > 0) {
        pair.listener.buffered(pending);
      }
      int mask = EpollSet.IN | EpollSet.OUT | EpollSet.RDHUP | EpollSet.ET;
      try {
        epoll.add(pair.clientFd, mask, pair.key << 1);
        epoll.add(pair.serverFd, mask, (pair.key << 1) | 1);
      } catch (NativeCallException e) {
        log.warn("relay not started: {}", e.getMessage());
        end(pair, true, true);
        return;
      }
      pump(pair);
    }

    private void pump(Pair pair) {
      if (!pump(pair, pair.up) || !pump(pair, pair.down)) {
        return;
      }
      if (pair.up.finSent && pair.down.finSent) {
        end(pair, false, false);
      }
    }

    /** Moves what it can in one direction; false when the pair ended. */
    private boolean pump(Pair pair, Direction d) {
      while (true) {
        if (d.pending != null || d.inPipe > 0) {
          long n;
          try {
            n =
                d.pending != null
                    ? NonBlockingIo.write(d.dst, d.pending)
                    : NonBlockingIo.splice(d.pipe.readFd(), d.dst, d.inPipe);
          } catch (NativeCallException e) {
            // EPIPE / ECONNRESET: the destination is gone; reset the source, as the kernel would
            end(pair, true, d.fromClient);
            return false;
          }
          if (n == NonBlockingIo.WOULD_BLOCK) {
            return true; // the destination is full: its EPOLLOUT edge resumes us
          }
          if (d.pending != null) {
            if (!d.pending.hasRemaining()) {
              d.pending = null;
            }
          } else {
            d.inPipe -= n;
          }
          pair.listener.buffered(-n);
          pair.listener.transferred(d.fromClient, n);
          continue;
        }
        if (d.pipe != null) {
          release(d);
        }
        // No "short read means drained" shortcut here: splice(2) stops at the pipe's slot count (16
        // by
        // default) as well as at the length asked for, so a short read can leave data queued, and
        // with
        // edge-triggered epoll no new edge would come for it (a 1 MiB response stalled that way).
        if (d.srcEof) {
          if (!d.finSent) {
            shutdownOutput(d.dst);
            d.finSent = true;
          }
          return true;
        }
        if (d.pipe == null && !lease(d)) {
          end(pair, true, true);
          return false;
        }
        long n;
        try {
          n = NonBlockingIo.splice(d.src, d.pipe.writeFd(), chunk);
        } catch (NativeCallException e) {
          // ECONNRESET and other read errors: pass a reset on to the other side
          end(pair, true, !d.fromClient);
          return false;
        }
        if (n == NonBlockingIo.WOULD_BLOCK) {
          release(d); // nothing in flight: an idle session holds no pipe
          return true;
        }
        if (n == 0) {
          d.srcEof = true;
          continue;
        }
        d.inPipe = n;
        pair.listener.buffered(n);
      }
    }

    private static void shutdownOutput(int fd) {
      try {
        NonBlockingIo.shutdownOutput(fd);
      } catch (NativeCallException e) {
        // ENOTCONN: the destination was reset meanwhile; its next event or splice reports that
        log.debug("{}", e.getMessage());
      }
    }

    private boolean lease(Direction d) {
      Pipe pipe = idlePipes.pollFirst();
      if (pipe == null) {
        try {
          pipe = Pipe.open(pipeSize);
        } catch (NativeCallException e) {
          log.warn("no pipe for a relay: {}", e.getMessage());
          return false;
        }
      } else {
        idlePipeCount = idlePipes.size();
      }
      d.pipe = pipe;
      leasedPipeCount++;
      return true;
    }

    private void release(Direction d) {
      Pipe pipe = d.pipe;
      if (pipe == null) {
        return;
      }
      d.pipe = null;
      leasedPipeCount--;
      if (d.inPipe > 0 || idlePipes.size() >= MAX_IDLE_PIPES) {
        // bytes still inside cannot be handed to another session
        pipe.close();
      } else {
        idlePipes.addFirst(pipe);
      }
      idlePipeCount = idlePipes.size();
    }

    void end(Pair pair, boolean reset, boolean resetClient) {
      if (pair.ended) {
        return;
      }
      pair.ended = true;
      pairs.remove(pair.key);
      forget(pair.clientFd);
      forget(pair.serverFd);
      long stranded =
          pair.up.inPipe + pair.down.inPipe + pair.up.pendingBytes() + pair.down.pendingBytes();
      pair.up.pending = null;
      pair.down.pending = null;
      release(pair.up);
      release(pair.down);
      if (stranded > 0) {
        pair.listener.buffered(-stranded);
      }
      try {
        pair.listener.finished(reset, resetClient);
      } catch (RuntimeException e) {
        log.error("splice listener failed", e);
      }
    }

    private void forget(int fd) {
      try {
        epoll.remove(fd);
      } catch (NativeCallException e) {
        // EBADF / ENOENT: the owner closed the socket already, which took it out of the set
        log.debug("{}", e.getMessage());
      }
    }

    void shutdown() {
      running = false;
      execute(() -> {});
      if (Thread.currentThread() != thread && thread.isAlive()) {
        try {
          thread.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
