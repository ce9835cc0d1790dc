package org.ha4j.proxy.splice;

import static org.ha4j.proxy.splice.LinuxSyscalls.EAGAIN;
import static org.ha4j.proxy.splice.LinuxSyscalls.EINTR;
import static org.ha4j.proxy.splice.LinuxSyscalls.EPOLLERR;
import static org.ha4j.proxy.splice.LinuxSyscalls.EPOLLET;
import static org.ha4j.proxy.splice.LinuxSyscalls.EPOLLHUP;
import static org.ha4j.proxy.splice.LinuxSyscalls.EPOLLIN;
import static org.ha4j.proxy.splice.LinuxSyscalls.EPOLLOUT;
import static org.ha4j.proxy.splice.LinuxSyscalls.EPOLLRDHUP;
import static org.ha4j.proxy.splice.LinuxSyscalls.EPOLL_CTL_ADD;
import static org.ha4j.proxy.splice.LinuxSyscalls.EPOLL_CTL_DEL;
import static org.ha4j.proxy.splice.LinuxSyscalls.EPOLL_EVENT_SIZE;
import static org.ha4j.proxy.splice.LinuxSyscalls.O_CLOEXEC;
import static org.ha4j.proxy.splice.LinuxSyscalls.O_NONBLOCK;
import static org.ha4j.proxy.splice.LinuxSyscalls.SPLICE_F_MOVE;
import static org.ha4j.proxy.splice.LinuxSyscalls.SPLICE_F_NONBLOCK;

import com.sun.jna.Memory;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bytes between two connected TCP sockets with {@code splice(2)}: socket to pipe to socket, never through
 * user space. One engine runs a few threads, each with its own edge-triggered epoll set and its own pool of
 * pipes, the way HAProxy pools pipes per thread ({@code src/pipe.c}).
 *
 * <p><b>Why this and not Netty's {@code AbstractEpollStreamChannel.spliceTo}.</b> {@code spliceTo} is deprecated
 * in Netty 4.2 and removed in 5.0 (netty#15911, #15898: "quite buggy"), has open and fixed bugs around
 * half-close and RDHUP (busy loop, no {@code channelInactive}: #12123; stuck when started outside
 * {@code channelActive}: #13690; "complete already" on close: #13831), and it creates one pipe pair per target
 * channel that lives as long as the channel, so an idle session would hold two pipes (four descriptors). Here
 * the sockets stay owned by Netty (accept, connect, close, options), are deregistered from Netty's event loop for
 * the relay, and a pipe is leased from the pool only while bytes are in flight: an idle session holds no pipe.
 * The cost is a small JNA binding ({@link LinuxSyscalls}) and a second epoll loop, both under our control.
 *
 * <p>The engine never closes the sockets it relays; it reports the end through {@link Listener#finished} and the
 * owner closes them.
 */
public final class SpliceEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpliceEngine.class);

    /** What the engine tells the owner of a relayed pair. Called on an engine thread; must not block. */
    public interface Listener {
        /** {@code n} bytes moved from client to server ({@code fromClient}) or back. */
        void transferred(boolean fromClient, long n);

        /** Bytes now sitting in pipes changed by {@code delta}. */
        default void buffered(long delta) {
        }

        /**
         * The relay has ended: both sides reached EOF and passed it on, or a side failed. {@code reset} asks the
         * owner to reset (RST) the side named by {@code resetClient} rather than close it gracefully.
         */
        void finished(boolean reset, boolean resetClient);
    }

    /** A relay in progress; {@link #close()} ends it from any thread. */
    public interface Handle {
        void close();
    }

    /**
     * Where one direction stands when the engine takes it over from another relay: bytes already read from the
     * source that the destination has not received yet (written before anything is spliced), whether the
     * source has ended, and whether that end has already been passed on as a FIN.
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
    private final java.util.concurrent.atomic.AtomicLong relayed = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param threads  engine threads, 1 or more
     * @param pipeSize the pipe capacity to ask for with F_SETPIPE_SZ (0 keeps the kernel's default, 64 KiB)
     * @throws SpliceException if epoll or eventfd cannot be created
     */
    public SpliceEngine(int threads, int pipeSize) throws SpliceException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (!available()) {
            throw new IllegalStateException("splice(2) is not available (Linux with libc needed)");
        }
        int id = ENGINES.incrementAndGet();
        loops = new Loop[threads];
        try {
            for (int i = 0; i < threads; i++) {
                loops[i] = new Loop(pipeSize, "ha4j-splice-" + id + "-" + i);
            }
        } catch (SpliceException e) {
            close();
            throw e;
        }
        for (Loop loop : loops) {
            loop.thread.start();
        }
    }

    /** Whether this platform can splice: Linux with libc loadable through JNA. */
    public static boolean available() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && LinuxSyscalls.loaded();
    }

    /**
     * Starts relaying between two connected, non-blocking sockets that no other poller watches.
     *
     * @param clientEof the client already sent its FIN before the relay started
     */
    public Handle relay(int clientFd, int serverFd, boolean clientEof, Listener listener) {
        return relay(clientFd, serverFd, clientEof ? new Backlog(new byte[0], true, false) : Backlog.NONE,
                Backlog.NONE, listener);
    }

    /**
     * Takes over a relay another mover started: {@code up} (client to server) and {@code down} say what each
     * direction still owes its destination. The pending bytes go out (and count as transferred) before any
     * splicing, so nothing is reordered.
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
        Memory pending;
        long pendingOffset;

        Direction(int src, int dst, boolean fromClient, Backlog backlog) {
            this.src = src;
            this.dst = dst;
            this.fromClient = fromClient;
            this.srcEof = backlog.sourceEnded();
            this.finSent = backlog.finSent();
            if (backlog.bytes().length > 0) {
                pending = new Memory(backlog.bytes().length);
                pending.write(0, backlog.bytes(), 0, backlog.bytes().length);
            }
        }

        long pendingBytes() {
            return pending == null ? 0 : pending.size() - pendingOffset;
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

    private static final class Pipe {
        final int readFd;
        final int writeFd;

        Pipe(int readFd, int writeFd) {
            this.readFd = readFd;
            this.writeFd = writeFd;
        }

        void close() {
            LinuxSyscalls.close(readFd);
            LinuxSyscalls.close(writeFd);
        }
    }

    private static final class Loop {
        private static final int MAX_EVENTS = 256;
        private static final int MAX_IDLE_PIPES = 64;

        final Thread thread;
        final int epfd;
        final int wakeFd;
        final int pipeSize;
        final long chunk;
        final Memory events = new Memory((long) EPOLL_EVENT_SIZE * MAX_EVENTS);
        final Memory ctlEvent = new Memory(EPOLL_EVENT_SIZE);
        final Memory wakeBuf = new Memory(8);
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final Map<Long, Pair> pairs = new HashMap<>();
        final ArrayDeque<Pipe> idlePipes = new ArrayDeque<>();
        volatile int idlePipeCount;
        volatile int leasedPipeCount;
        long nextKey = 1;
        volatile boolean running = true;

        Loop(int pipeSize, String name) throws SpliceException {
            this.pipeSize = pipeSize;
            this.epfd = LinuxSyscalls.epoll_create1(O_CLOEXEC);
            if (epfd < 0) {
                throw new SpliceException("epoll_create1", LinuxSyscalls.errno());
            }
            this.wakeFd = LinuxSyscalls.eventfd(0, O_NONBLOCK | O_CLOEXEC);
            if (wakeFd < 0) {
                int err = LinuxSyscalls.errno();
                LinuxSyscalls.close(epfd);
                throw new SpliceException("eventfd", err);
            }
            ctl(EPOLL_CTL_ADD, wakeFd, EPOLLIN | EPOLLET, 0);
            this.chunk = pipeSize > 0 ? pipeSize : 65536;
            this.thread = new Thread(this::run, name);
            thread.setDaemon(true);
        }

        void execute(Runnable task) {
            tasks.add(task);
            if (Thread.currentThread() != thread) {
                wakeBuf.setLong(0, 1);
                LinuxSyscalls.write(wakeFd, wakeBuf, 8);
            }
        }

        private int ctl(int op, int fd, int mask, long data) {
            ctlEvent.setInt(0, mask);
            ctlEvent.setLong(4, data);
            return LinuxSyscalls.epoll_ctl(epfd, op, fd, ctlEvent);
        }

        private void run() {
            try {
                while (running) {
                    runTasks();
                    int n = LinuxSyscalls.epoll_wait(epfd, events, MAX_EVENTS, tasks.isEmpty() ? -1 : 0);
                    if (n < 0) {
                        int err = LinuxSyscalls.errno();
                        if (err == EINTR) {
                            continue;
                        }
                        log.error("epoll_wait failed: errno {}; splice loop stops", err);
                        break;
                    }
                    for (int i = 0; i < n; i++) {
                        long offset = (long) i * EPOLL_EVENT_SIZE;
                        long data = events.getLong(offset + 4);
                        if (data == 0) {
                            LinuxSyscalls.read(wakeFd, wakeBuf, 8);
                            continue;
                        }
                        Pair pair = pairs.get(data >>> 1);
                        if (pair != null && !pair.ended) {
                            pump(pair);
                        }
                    }
                }
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
                LinuxSyscalls.close(wakeFd);
                LinuxSyscalls.close(epfd);
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
            int mask = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
            if (ctl(EPOLL_CTL_ADD, pair.clientFd, mask, pair.key << 1) < 0
                    || ctl(EPOLL_CTL_ADD, pair.serverFd, mask, (pair.key << 1) | 1) < 0) {
                log.warn("epoll_ctl(ADD) failed: errno {}", LinuxSyscalls.errno());
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
                    if (d.pending != null) {
                        long left = d.pendingBytes();
                        n = LinuxSyscalls.write(d.dst, d.pending.share(d.pendingOffset), left);
                        if (n > 0) {
                            d.pendingOffset += n;
                            if (n == left) {
                                d.pending = null;
                            }
                        }
                    } else {
                        n = LinuxSyscalls.splice(d.pipe.readFd, null, d.dst, null, d.inPipe,
                                SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                        if (n > 0) {
                            d.inPipe -= n;
                        }
                    }
                    if (n > 0) {
                        pair.listener.buffered(-n);
                        pair.listener.transferred(d.fromClient, n);
                        continue;
                    }
                    int err = LinuxSyscalls.errno();
                    if (n < 0 && (err == EAGAIN || err == EINTR)) {
                        return true; // the destination is full: its EPOLLOUT edge resumes us
                    }
                    // EPIPE / ECONNRESET: the destination is gone; reset the source, as the kernel would
                    end(pair, true, d.fromClient);
                    return false;
                }
                if (d.pipe != null) {
                    release(d);
                }
                // No "short read means drained" shortcut here: splice(2) stops at the pipe's slot count (16 by
                // default) as well as at the length asked for, so a short read can leave data queued, and with
                // edge-triggered epoll no new edge would come for it (a 1 MiB response stalled that way).
                if (d.srcEof) {
                    if (!d.finSent) {
                        LinuxSyscalls.shutdown(d.dst, LinuxSyscalls.SHUT_WR);
                        d.finSent = true;
                    }
                    return true;
                }
                if (d.pipe == null && !lease(d)) {
                    end(pair, true, true);
                    return false;
                }
                long n = LinuxSyscalls.splice(d.src, null, d.pipe.writeFd, null, chunk,
                        SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                if (n > 0) {
                    d.inPipe = n;
                    pair.listener.buffered(n);
                    continue;
                }
                if (n == 0) {
                    d.srcEof = true;
                    continue;
                }
                int err = LinuxSyscalls.errno();
                if (err == EAGAIN || err == EINTR) {
                    release(d); // nothing in flight: an idle session holds no pipe
                    return true;
                }
                // ECONNRESET and other read errors: pass a reset on to the other side
                end(pair, true, !d.fromClient);
                return false;
            }
        }

        private boolean lease(Direction d) {
            Pipe pipe = idlePipes.pollFirst();
            if (pipe == null) {
                int[] fds = new int[2];
                if (LinuxSyscalls.pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) {
                    log.warn("pipe2 failed: errno {}", LinuxSyscalls.errno());
                    return false;
                }
                pipe = new Pipe(fds[0], fds[1]);
                if (pipeSize > 0) {
                    LinuxSyscalls.fcntl(pipe.writeFd, LinuxSyscalls.F_SETPIPE_SZ, pipeSize);
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
            ctl(EPOLL_CTL_DEL, pair.clientFd, 0, 0);
            ctl(EPOLL_CTL_DEL, pair.serverFd, 0, 0);
            long stranded = pair.up.inPipe + pair.down.inPipe + pair.up.pendingBytes() + pair.down.pendingBytes();
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

        void shutdown() {
            running = false;
            execute(() -> { });
            if (Thread.currentThread() != thread && thread.isAlive()) {
                try {
                    thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Errors and hang-ups need no bits of their own: epoll always reports them, and the next splice sees them. */
    static final int ALWAYS_REPORTED = EPOLLERR | EPOLLHUP;
}
