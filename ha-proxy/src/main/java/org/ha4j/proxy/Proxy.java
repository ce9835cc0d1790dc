package org.ha4j.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.health.Health;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.health.HealthSource;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.time.Ticker;
import org.ha4j.proxy.balance.HashKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ha4j.core.config.ConfigNumbers;

/**
 * The TCP load balancer: listeners that accept client connections and relay each one to a server its upstream
 * picks, as nginx's {@code stream { server { listen; proxy_pass } }} does.
 *
 * <pre>{@code
 * Upstream tomcat = new Upstream("tomcat", BalancingStrategies.roundRobin(),
 *         List.of(ServerSpec.parse("192.168.122.12:8080"), ServerSpec.parse("192.168.122.13:8080")));
 * try (Proxy proxy = Proxy.builder().listen("0.0.0.0:8080", tomcat).build()) {
 *     proxy.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Sessions follow nginx's rules: a server is picked per connection attempt, a failed or timed-out connect
 * (default 60 s) counts against the server and moves on to the next one while tries remain, a session idle for
 * the idle timeout (default 10 min) is closed, and every session ends with nginx's stream status code
 * (200, 403, 502, 503, 500) in the access log. The proxy is a {@link HealthSource}: UP while every listener is
 * bound and every upstream has a server that can take a session, so a VRRP instance can track it.
 *
 * <p>Thread-safe. {@link #stop()} stops accepting, lets sessions finish until the drain timeout, then closes
 * the rest.
 */
public final class Proxy implements Lifecycle, HealthSource {

    static final Logger log = LoggerFactory.getLogger(Proxy.class);

    /** nginx's {@code proxy_connect_timeout} default. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);
    /** nginx's {@code proxy_timeout} default. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * One {@code listen} address, the upstream its sessions go to and its own settings (nginx's
     * {@code server {}}); what the settings leave unset comes from the proxy's defaults.
     */
    public record Listener(InetSocketAddress address, Upstream upstream, int backlog, boolean reusePort,
            ListenerSettings settings) {
        public Listener {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(settings, "settings");
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
            }
        }

        /** A listener with the proxy's default settings. */
        public Listener(InetSocketAddress address, Upstream upstream, int backlog, boolean reusePort) {
            this(address, upstream, backlog, reusePort, ListenerSettings.inherit());
        }
    }

    /** Runtime state of one listener. */
    static final class ListenerRuntime {
        final Proxy proxy;
        final Listener spec;
        /** The listener's settings completed by the proxy's defaults. */
        final ListenerSettings settings;
        /** Sessions per client address, kept only when there is a per-client limit. */
        final Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
        final LongAdder accepted = new LongAdder();
        /** accept() calls that failed (out of descriptors, ENOBUFS, ...). */
        final LongAdder acceptFailures = new LongAdder();
        final AtomicInteger active = new AtomicInteger();
        final LongAdder ok = new LongAdder();
        final LongAdder forbidden = new LongAdder();
        final LongAdder unavailable = new LongAdder();
        final LongAdder badGateway = new LongAdder();
        final LongAdder bytesReceived = new LongAdder();
        final LongAdder bytesSent = new LongAdder();
        /** The first bound socket (its address is the listener's). */
        volatile Channel channel;
        /** Every bound socket: one per event loop with SO_REUSEPORT on epoll, else just {@link #channel}. */
        final List<Channel> channels = new java.util.concurrent.CopyOnWriteArrayList<>();

        ListenerRuntime(Proxy proxy, Listener spec, ListenerSettings defaults) {
            this.proxy = proxy;
            this.spec = spec;
            this.settings = spec.settings().orElse(defaults);
        }

        String address() {
            Channel c = channel;
            InetSocketAddress a = c != null ? (InetSocketAddress) c.localAddress() : spec.address;
            return a.getAddress().getHostAddress() + ":" + a.getPort();
        }
    }

    private final List<ListenerRuntime> listeners = new ArrayList<>();
    private final Map<String, Upstream> upstreams = new LinkedHashMap<>();
    private final RelayKind requestedRelay;
    private final boolean requestedRelayChosen;
    private final Duration drainTimeout;
    /** Every listener's access log once (listeners may share one). */
    private final Set<AccessLog> accessLogs = new java.util.LinkedHashSet<>();
    private final int ioThreads;
    private final boolean forceNio;
    final Ticker ticker;
    private final FaultLog faults;

    private final HealthSignal health;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong sessionIds = new AtomicLong();
    private final Object drainLock = new Object();

    private EventLoopGroup group;
    private boolean epoll;
    private BackendConnector connector;
    private volatile Relay relay;
    private RelayKind relayKind;
    private ScheduledFuture<?> healthTick;
    private volatile boolean running;
    private volatile boolean stopped;

    private Proxy(Builder b) {
        if (b.listeners.isEmpty()) {
            throw new IllegalArgumentException("a proxy needs at least one listener");
        }
        ListenerSettings defaults = b.defaults.build();
        for (Listener l : b.listeners) {
            ListenerRuntime runtime = new ListenerRuntime(this, l, defaults);
            listeners.add(runtime);
            upstreams.putIfAbsent(l.upstream().name(), l.upstream());
            if (runtime.settings.accessLog() != null) {
                accessLogs.add(runtime.settings.accessLog());
            }
        }
        this.requestedRelay = b.relay;
        this.requestedRelayChosen = b.relayChosen;
        this.drainTimeout = b.drainTimeout;
        this.ioThreads = b.ioThreads;
        this.forceNio = b.forceNio;
        this.ticker = b.ticker;
        this.faults = new FaultLog(b.ticker);
        this.health = HealthSignal.down("proxy:" + listeners.get(0).spec.address().getPort(), "not started");
        for (Upstream u : upstreams.values()) {
            u.onChange(changed -> refreshHealth());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public synchronized void start() throws Exception {
        if (running || stopped) {
            throw new IllegalStateException("start() may be called once");
        }
        // The copy relay runs on epoll only with EpollHalfCloseGuard (Netty 4.2.18 drops a half-closed channel
        // from epoll and then loses its queued writes; see that class); without it, on NIO.
        RelayChoice choice = RelayChoice.of(requestedRelay, requestedRelayChosen, RelayChoice.epollMissing(forceNio),
                SpliceRelay.unavailableReason(), EpollHalfCloseGuard.unavailableReason());
        relayKind = choice.relay();
        epoll = choice.epoll();
        choice.warning().ifPresent(log::warn);
        connector = new BackendConnector(epoll);
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(ioThreads, io);
        relay = switch (relayKind) {
            case SPLICE -> new SpliceRelay(ioThreads);
            case AUTO -> CopyRelay.spliceAuto(ioThreads);
            case COPY -> CopyRelay.INSTANCE;
        };
        try {
            for (ListenerRuntime l : listeners) {
                // On epoll, one listening socket per event loop (SO_REUSEPORT, the kernel spreads connections
                // by hash, as nginx's "reuseport" and HAProxy's per-thread listeners do): a connection is
                // accepted, relayed and connected upstream on one thread, with no hand-over between loops.
                InetSocketAddress bindTo = l.spec.address();
                if (epoll) {
                    if (!l.spec.reusePort()) {
                        bindTo = ListenSockets.claimExclusively(bindTo);
                    }
                    for (io.netty.util.concurrent.EventExecutor e : group) {
                        io.netty.channel.EventLoop loop = (io.netty.channel.EventLoop) e;
                        ServerBootstrap sb = serverBootstrap(l).group(loop, loop)
                                .option(EpollChannelOption.SO_REUSEPORT, true);
                        Channel bound = sb.bind(bindTo).sync().channel();
                        l.channels.add(bound);
                        if (l.channel == null) {
                            l.channel = bound;
                            bindTo = (InetSocketAddress) bound.localAddress(); // port 0: the others share it
                        }
                    }
                } else {
                    ServerBootstrap sb = serverBootstrap(l).group(group);
                    if (l.spec.reusePort()) {
                        // nginx's listen ... reuseport, through the JDK's own option (Linux, JDK 9+)
                        sb.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
                    }
                    l.channel = sb.bind(bindTo).sync().channel();
                    l.channels.add(l.channel);
                }
                log.info("listening on {} -> {} ({} relay, {})", l.address(), l.spec.upstream(),
                        relayKind.name().toLowerCase(java.util.Locale.ROOT), epoll ? "epoll" : "nio");
            }
        } catch (Exception e) {
            for (ListenerRuntime l : listeners) {
                for (Channel c : l.channels) {
                    c.close().syncUninterruptibly();
                }
            }
            relay.shutdown();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
        running = true;
        healthTick = group.next().scheduleAtFixedRate(this::refreshHealth, 1, 1, TimeUnit.SECONDS);
        refreshHealth();
    }

    private ServerBootstrap serverBootstrap(ListenerRuntime l) {
        AcceptHandler accept = new AcceptHandler(l);
        return ListenSockets.forAddress(new ServerBootstrap(), l.spec.address(), epoll)
                .handler(new AcceptFailureHandler(l.acceptFailures, faults))
                .option(ChannelOption.SO_BACKLOG, l.spec.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(accept); // TCP_NODELAY is Netty's default for socket channels: not set again
    }

    /** Stops accepting, waits for sessions up to the drain timeout, closes the rest, releases threads. */
    @Override
    public void stop() {
        synchronized (this) {
            if (!running || stopped) {
                stopped = true;
                return;
            }
            stopped = true;
        }
        for (ListenerRuntime l : listeners) {
            for (Channel c : l.channels) {
                c.close().syncUninterruptibly();
            }
        }
        refreshHealth();
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        synchronized (drainLock) {
            while (!sessions.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    drainLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!sessions.isEmpty()) {
            log.info("drain timeout: closing {} sessions", sessions.size());
            for (Session s : List.copyOf(sessions)) {
                s.finish(SessionStatus.OK);
            }
        }
        healthTick.cancel(false);
        relay.shutdown();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        running = false;
        for (AccessLog accessLog : accessLogs) {
            accessLog.close();
        }
    }

    Relay relayForTests() {
        return relay;
    }

    /** The one event-loop group every listener's sockets and sessions run on. */
    EventLoopGroup eventLoopGroupForTests() {
        return group;
    }

    /** The sockets listener {@code index} (in listener order) is bound with. */
    List<Channel> listenerChannelsForTests(int index) {
        return List.copyOf(listeners.get(index).channels);
    }

    /** The relay in use (SPLICE may fall back to COPY where splice is unavailable). */
    public RelayKind relay() {
        return relayKind;
    }

    /** The addresses actually bound (ephemeral ports resolved), in listener order. */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (ListenerRuntime l : listeners) {
            out.add((InetSocketAddress) l.channel.localAddress());
        }
        return out;
    }

    public Upstream upstream(String name) {
        Upstream u = upstreams.get(name);
        if (u == null) {
            throw new IllegalArgumentException("no upstream " + name + " (have " + upstreams.keySet() + ")");
        }
        return u;
    }

    /** Bytes read from one side of a session and not yet handed to the other, over all sessions. */
    public long bufferedBytes() {
        long total = 0;
        for (Session s : sessions) {
            total += s.buffered.get();
        }
        return total;
    }

    /**
     * Pipes the splice relay keeps for reuse, two descriptors each (HAProxy's pipe pool: up to 64 per engine
     * thread, kept after the sessions that needed them have ended); 0 for the copy relay.
     */
    public int pooledPipes() {
        Relay r = relay;
        return r == null ? 0 : r.pooledPipes();
    }

    /** How often each expected fault has happened since the proxy was built. */
    public java.util.Map<ProxyFault, Long> faults() {
        java.util.Map<ProxyFault, Long> out = faults.snapshot();
        if (!accessLogs.isEmpty()) {
            long failures = 0;
            for (AccessLog accessLog : accessLogs) {
                failures += accessLog.writeFailures();
            }
            out.put(ProxyFault.ACCESS_LOG_WRITE_FAILED, failures);
        }
        return out;
    }

    /** Sessions in progress across all listeners. */
    public int activeSessions() {
        return sessions.size();
    }

    public List<ListenerStats> listenerStats() {
        List<ListenerStats> out = new ArrayList<>();
        for (ListenerRuntime l : listeners) {
            out.add(new ListenerStats(l.address(), l.accepted.sum(), l.active.get(), l.ok.sum(), l.forbidden.sum(),
                    l.unavailable.sum(), l.badGateway.sum(), l.bytesReceived.sum(), l.bytesSent.sum(),
                    l.acceptFailures.sum()));
        }
        return out;
    }

    // ---------------------------------------------------------------- health

    @Override
    public String name() {
        return health.name();
    }

    @Override
    public Health current() {
        return health.current();
    }

    @Override
    public Subscription subscribe(org.ha4j.core.health.HealthListener listener) {
        return health.subscribe(listener);
    }

    void refreshHealth() {
        if (!running || stopped) {
            health.set(Health.down(stopped ? "stopped" : "not started"));
            return;
        }
        for (ListenerRuntime l : listeners) {
            boolean bound = !l.channels.isEmpty();
            for (Channel c : l.channels) {
                bound &= c.isActive();
            }
            if (!bound) {
                health.set(Health.down("listener " + l.spec.address() + " not bound"));
                return;
            }
        }
        long now = ticker.nanoTime();
        for (Upstream u : upstreams.values()) {
            if (!u.anyUsable(now)) {
                health.set(Health.down("no available server in upstream " + u.name()));
                return;
            }
        }
        health.set(Health.up());
    }

    // ---------------------------------------------------------------- sessions

    private static final io.netty.util.AttributeKey<Session> SESSION =
            io.netty.util.AttributeKey.valueOf(Proxy.class, "session");

    /**
     * The one handler of every client channel, shared by all of a listener's connections (a fixed pipeline: no
     * handler is added or removed per session). Until the relay starts it sets the session up; then it passes
     * every event to the relay's client-side handler, if the relay has one.
     */
    @ChannelHandler.Sharable
    private final class AcceptHandler extends ChannelInboundHandlerAdapter {
        private final ListenerRuntime listener;

        AcceptHandler(ListenerRuntime listener) {
            this.listener = listener;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Session session = new Session(sessionIds.incrementAndGet(), listener, ctx.channel(), ticker.nanoTime());
            ctx.channel().attr(SESSION).set(session);
            accept(session);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            Session session = ctx.channel().attr(SESSION).get();
            if (session != null && session.clientRelay != null) {
                session.clientRelay.channelRead(ctx, msg);
                return;
            }
            // no read is issued before the relay starts, but on a FIN (EPOLLRDHUP) Netty reads what is there:
            // keep it for the relay, as nginx keeps what it read before connecting upstream
            if (session != null && !session.isFinished() && msg instanceof io.netty.buffer.ByteBuf buf) {
                session.addEarlyData(buf);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            Session session = ctx.channel().attr(SESSION).get();
            if (session != null && session.clientRelay != null) {
                session.clientRelay.channelReadComplete(ctx);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            Session session = ctx.channel().attr(SESSION).get();
            if (session != null && session.clientRelay != null) {
                session.clientRelay.userEventTriggered(ctx, evt);
                return;
            }
            if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent && session != null) {
                EpollHalfCloseGuard.inputEnded(ctx.channel());
                session.clientEofBeforeRelay = true;
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            Session session = ctx.channel().attr(SESSION).get();
            if (session != null && session.clientRelay != null) {
                session.clientRelay.channelInactive(ctx);
                return;
            }
            if (session != null && !session.connected) {
                session.finish(SessionStatus.OK);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            Session session = ctx.channel().attr(SESSION).get();
            if (session != null && session.clientRelay != null) {
                session.clientRelay.exceptionCaught(ctx, cause);
                return;
            }
            ctx.close();
            if (session != null && !session.connected) {
                session.finish(SessionStatus.OK);
            }
        }
    }

    /** nginx's phases for one connection: access, limits, then the upstream connect. */
    private void accept(Session session) {
        ListenerRuntime l = session.listener;
        ListenerSettings settings = l.settings;
        int maxConnectionsPerClient = settings.maxConnectionsPerClient();
        l.accepted.increment();
        sessions.add(session);
        l.active.incrementAndGet();
        InetAddress clientIp = session.remote.getAddress();
        if (maxConnectionsPerClient > 0) {
            l.perClient.computeIfAbsent(clientIp, k -> new AtomicInteger()).incrementAndGet();
        }
        if (stopped) {
            session.finish(SessionStatus.SERVICE_UNAVAILABLE);
            return;
        }
        if (!settings.accessRules().allows(clientIp)) {
            log.debug("{}: access forbidden by rule", session);
            session.finish(SessionStatus.FORBIDDEN);
            return;
        }
        int maxConnections = settings.maxConnections();
        if ((maxConnections > 0 && l.active.get() > maxConnections)
                || (maxConnectionsPerClient > 0 && l.perClient.get(clientIp).get() > maxConnectionsPerClient)) {
            log.debug("{}: limiting connections", session);
            session.finish(SessionStatus.SERVICE_UNAVAILABLE);
            return;
        }
        Upstream upstream = l.spec.upstream();
        byte[] key = upstream.strategy().hashKey().map(k -> k.evaluate(sessionVariables(session))).orElse(null);
        session.attempt = upstream.newAttempt(key, clientIp.getAddress(), settings.nextUpstreamTries());
        connect(session);
    }

    private static HashKey.Session sessionVariables(Session s) {
        return new HashKey.Session(nginxText(s.remote), s.remote.getPort(), nginxText(s.local), s.local.getPort(),
                s.remote.getAddress().getAddress());
    }

    /** An address as nginx's $remote_addr and $server_addr write it: {@code 10.0.0.1}, {@code ::1}. */
    private static String nginxText(InetSocketAddress address) {
        return IpAddress.of(address.getAddress()).toString();
    }

    /** One connection attempt; on failure the next server while tries and the next-upstream timeout allow. */
    private void connect(Session session) {
        Upstream upstream = session.listener.spec.upstream();
        ListenerSettings settings = session.listener.settings;
        Duration nextUpstreamTimeout = settings.nextUpstreamTimeout();
        long now = ticker.nanoTime();
        Upstream.Backend backend = upstream.select(session.attempt, now);
        if (backend == null) {
            faults.report(ProxyFault.NO_LIVE_UPSTREAMS, session + ": in " + upstream.name());
            session.finish(SessionStatus.BAD_GATEWAY);
            return;
        }
        session.backend = backend;
        session.attempts.add(new Session.AttemptRecord(backend.peer.server()));
        session.connectStartNanos = now;
        long timeoutMillis = settings.connectTimeout().toMillis();
        if (!nextUpstreamTimeout.isZero()) {
            long left = nextUpstreamTimeout.toMillis() - TimeUnit.NANOSECONDS.toMillis(now - session.startNanos);
            timeoutMillis = Math.max(1, Math.min(timeoutMillis, left));
        }
        Channel ch;
        try {
            ch = connector.open(timeoutMillis);
        } catch (io.netty.channel.ChannelException e) {
            // no socket to try any server with (nginx: socket() failed, 500); not the server's fault
            faults.report(ProxyFault.NO_UPSTREAM_SOCKET, session + ": " + FaultLog.reason(e));
            upstream.release(session.attempt, false, now);
            session.finish(SessionStatus.INTERNAL_SERVER_ERROR);
            return;
        }
        session.backendChannel = ch; // from here a finishing session closes it, even mid-connect
        connector.connect(ch, session.client.eventLoop(), backend.address)
                .addListener((ChannelFutureListener) done -> connected(session, done));
    }

    private void connected(Session session, ChannelFuture done) {
        Upstream upstream = session.listener.spec.upstream();
        Duration nextUpstreamTimeout = session.listener.settings.nextUpstreamTimeout();
        long now = ticker.nanoTime();
        if (session.isFinished()) {
            // the client left while we were connecting
            done.channel().close();
            upstream.release(session.attempt, false, now);
            return;
        }
        if (!done.isSuccess()) {
            // the connector has closed the channel already
            faults.report(ProxyFault.UPSTREAM_CONNECT_FAILED, session + ": connect to "
                    + session.backend.peer.server() + " failed: " + FaultLog.reason(done.cause()));
            session.backend.connectFailures.increment();
            session.backendChannel = null;
            upstream.release(session.attempt, true, now);
            boolean timeUp = !nextUpstreamTimeout.isZero() && now - session.startNanos >= nextUpstreamTimeout.toNanos();
            if (session.attempt.triesLeft() == 0 || timeUp) {
                session.finish(SessionStatus.BAD_GATEWAY);
            } else {
                connect(session);
            }
            return;
        }
        long connectMillis = TimeUnit.NANOSECONDS.toMillis(now - session.connectStartNanos);
        session.currentAttempt().connectMillis = connectMillis;
        upstream.connected(session.attempt, session.backend, connectMillis);
        session.connected = true;
        session.activity();
        relay.start(session);
        scheduleIdleCheck(session, session.listener.settings.idleTimeout().toNanos());
    }

    private void scheduleIdleCheck(Session session, long delayNanos) {
        Duration idleTimeout = session.listener.settings.idleTimeout();
        if (idleTimeout.isZero()) {
            return;
        }
        session.idleTimer = session.client.eventLoop().schedule(() -> {
            if (session.isFinished()) {
                return;
            }
            long idle = ticker.nanoTime() - session.lastActivityNanos;
            long left = idleTimeout.toNanos() - idle;
            if (left <= 0) {
                log.debug("{}: connection timed out (idle)", session);
                session.finish(SessionStatus.OK); // nginx logs an idle proxy_timeout as 200
            } else {
                scheduleIdleCheck(session, left);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Accounting once a session has ended, whatever ended it. Any thread. */
    void sessionFinished(Session session, int status) {
        ListenerRuntime l = session.listener;
        AccessLog accessLog = l.settings.accessLog();
        java.util.concurrent.Future<?> timer = session.idleTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        if (session.client.eventLoop().inEventLoop()) {
            session.releaseEarlyData();
        } else if (session.client.isRegistered() || session.hasEarlyData()) {
            // a session the splice engine ended has its client deregistered and its early bytes already
            // handed over: no need to wake the event loop for nothing
            session.client.eventLoop().execute(session::releaseEarlyData);
        }
        if (session.attempt != null && session.attempt.current() != null && session.connected) {
            l.spec.upstream().release(session.attempt, false, ticker.nanoTime());
        } else if (!session.connected) {
            session.client.close();
        }
        l.active.decrementAndGet();
        if (l.settings.maxConnectionsPerClient() > 0) {
            InetAddress ip = session.remote.getAddress();
            AtomicInteger count = l.perClient.get(ip);
            if (count != null && count.decrementAndGet() <= 0) {
                l.perClient.remove(ip, count);
            }
        }
        switch (status) {
            case SessionStatus.OK -> l.ok.increment();
            case SessionStatus.FORBIDDEN -> l.forbidden.increment();
            case SessionStatus.SERVICE_UNAVAILABLE -> l.unavailable.increment();
            case SessionStatus.BAD_GATEWAY -> l.badGateway.increment();
            default -> { }
        }
        if (accessLog != null) {
            accessLog.log(entry(session, status));
        }
        sessions.remove(session);
        synchronized (drainLock) {
            drainLock.notifyAll();
        }
    }

    private AccessLogFormat.Entry entry(Session s, int status) {
        List<AccessLogFormat.UpstreamAttempt> attempts = new ArrayList<>(s.attempts.size());
        for (Session.AttemptRecord a : s.attempts) {
            attempts.add(new AccessLogFormat.UpstreamAttempt(a.address, a.connectMillis, a.bytesSent,
                    a.bytesReceived));
        }
        long end = System.currentTimeMillis();
        return new AccessLogFormat.Entry(nginxText(s.remote), s.remote.getPort(), nginxText(s.local), s.local.getPort(),
                attempts,
                s.listener.spec.upstream().name(), end, end - s.startMillis, status, s.bytesToClient,
                s.bytesFromClient, s.id);
    }

    Future<?> closeFuture() {
        return group.terminationFuture();
    }

    // ---------------------------------------------------------------- builder

    /**
     * Configures a {@link Proxy}; nginx's defaults unless changed. The per-session settings set here
     * ({@link #connectTimeout}, {@link #idleTimeout}, next upstream, {@link #accessRules}, limits,
     * {@link #accessLog}) are the defaults of every listener whose {@link ListenerSettings} leaves them unset.
     */
    public static final class Builder {
        private final List<Listener> listeners = new ArrayList<>();
        private final ListenerSettings.Builder defaults = ListenerSettings.builder()
                .connectTimeout(DEFAULT_CONNECT_TIMEOUT).idleTimeout(DEFAULT_IDLE_TIMEOUT)
                .nextUpstreamTries(0).nextUpstreamTimeout(Duration.ZERO).accessRules(AccessRules.allowAll())
                .maxConnections(0).maxConnectionsPerClient(0).accessLog(null);
        private RelayKind relay = RelayKind.SPLICE;
        private boolean relayChosen;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private boolean forceNio;
        private Ticker ticker = Ticker.system();

        private Builder() {
        }

        /** Listens on {@code HOST:PORT} (port 0: an ephemeral port, see {@link #boundAddresses()}). */
        public Builder listen(String hostPort, Upstream upstream) {
            return listen(hostPort, upstream, ListenerSettings.inherit());
        }

        /** Listens on {@code HOST:PORT} with this listener's own settings (nginx's {@code server {}}). */
        public Builder listen(String hostPort, Upstream upstream, ListenerSettings settings) {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("listen address must be HOST:PORT, got '" + hostPort + "'");
            }
            String host = hostPort.substring(0, colon);
            int port;
            try {
                port = ConfigNumbers.parseInt(hostPort.substring(colon + 1), 0, 65535);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("listen port must be 0-65535 in '" + hostPort + "'", e);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("listen port must be 0-65535 in '" + hostPort + "'");
            }
            return listen(new Listener(host.isEmpty() || host.equals("*") ? new InetSocketAddress(port)
                    : new InetSocketAddress(host, port), upstream, 511, false, settings));
        }

        /** nginx's default backlog is 511; {@code reusePort} sets SO_REUSEPORT (nginx's {@code listen ... reuseport}). */
        public Builder listen(Listener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The relay: {@link RelayKind#SPLICE} by default, zero-copy on Linux with the epoll transport; where
         * splice is not available the copy relay is used (with a warning only when splice was asked for).
         */
        public Builder relay(RelayKind kind) {
            this.relay = Objects.requireNonNull(kind, "relay");
            this.relayChosen = true;
            return this;
        }

        /** nginx {@code proxy_connect_timeout}, default 60 s. */
        public Builder connectTimeout(Duration timeout) {
            defaults.connectTimeout(timeout);
            return this;
        }

        /** nginx {@code proxy_timeout}: no byte either way for this long ends the session; 0 disables. */
        public Builder idleTimeout(Duration timeout) {
            defaults.idleTimeout(timeout);
            return this;
        }

        /** How long {@link Proxy#stop()} lets sessions finish before closing them. */
        public Builder drainTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "drain timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("drain timeout must be >= 0, got " + timeout);
            }
            this.drainTimeout = timeout;
            return this;
        }

        /** nginx {@code proxy_next_upstream_tries}; 0 (default) means every server may be tried. */
        public Builder nextUpstreamTries(int tries) {
            defaults.nextUpstreamTries(tries);
            return this;
        }

        /** nginx {@code proxy_next_upstream_timeout}; 0 (default) means no limit. */
        public Builder nextUpstreamTimeout(Duration timeout) {
            defaults.nextUpstreamTimeout(timeout);
            return this;
        }

        public Builder accessLog(AccessLog log) {
            defaults.accessLog(log);
            return this;
        }

        public Builder accessRules(AccessRules rules) {
            defaults.accessRules(rules);
            return this;
        }

        /** The most sessions per listener; more are refused with 503. 0 (default): no limit. */
        public Builder maxConnections(int max) {
            defaults.maxConnections(max);
            return this;
        }

        /**
         * The most sessions per client address on each listener (nginx {@code limit_conn} on
         * {@code $binary_remote_addr}); 503 above. 0 (default): no limit.
         */
        public Builder maxConnectionsPerClient(int max) {
            defaults.maxConnectionsPerClient(max);
            return this;
        }

        /** Event-loop threads, shared by every listener; default one per CPU. */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("io threads must be >= 1, got " + threads);
            }
            this.ioThreads = threads;
            return this;
        }

        /** Uses Java NIO even where epoll is available (same behaviour, for tests and odd platforms). */
        public Builder forceNio(boolean nio) {
            this.forceNio = nio;
            return this;
        }

        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        public Proxy build() {
            return new Proxy(this);
        }
    }
}
