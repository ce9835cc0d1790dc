package org.ha4j.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.config.ConfigNumbers;
import org.ha4j.core.health.Health;
import org.ha4j.core.health.HealthListener;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.core.health.HealthSource;
import org.ha4j.core.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP load balancer: listeners that accept client connections and relay each one to a server
 * its upstream picks, as nginx's {@code stream { server { listen; proxy_pass } }} does.
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
 * <p>Sessions follow nginx's rules: a server is picked per connection attempt, a failed or
 * timed-out connect (default 60 s) counts against the server and moves on to the next one while
 * tries remain, a session idle for the idle timeout (default 10 min) is closed, and every session
 * ends with nginx's stream status code (200, 403, 502, 503, 500) in the access log. The proxy is a
 * {@link HealthSource}: UP while every listener is bound and every upstream has a server that can
 * take a session, so a VRRP instance can track it.
 *
 * <p>One proxy serves any number of listeners, each with its own {@link ListenerSettings} (nginx's
 * {@code server {}}), on one event-loop group and one relay. A session runs one way through
 * package-private types: {@code ListenerBinding} binds, {@code AcceptHandler} accepts, {@code
 * ProxyHeaderReader} reads a client's PROXY header where the listener expects one, {@code
 * Admission} applies rules and limits, {@code UpstreamConnector} connects (and tries the next
 * server), the {@code Relay} moves the bytes, {@code IdleTimer} ends idle sessions and {@code
 * SessionAccounting} counts and logs; {@code Drain} keeps the sessions in progress for {@link
 * #stop()}. This class is the façade: lifecycle, queries, health, builder.
 *
 * <p>Thread-safe. {@link #reconfigure} applies a new configuration while running, without refusing
 * or cutting a connection (a reload). {@link #stop()} stops accepting, lets sessions finish until
 * the drain timeout, then closes the rest.
 */
public final class Proxy implements Lifecycle, HealthSource {

  static final Logger log = LoggerFactory.getLogger(Proxy.class);

  /** How long a stop waits for the event loops to end, beyond Netty's own shutdown timeout. */
  static final Duration IO_THREADS_END_BOUND = Duration.ofSeconds(5);

  /** nginx's {@code proxy_connect_timeout} default. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);

  /** nginx's {@code proxy_timeout} default. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** nginx's {@code proxy_protocol_timeout} default. */
  public static final Duration DEFAULT_PROXY_PROTOCOL_TIMEOUT = Duration.ofSeconds(30);

  /**
   * One {@code listen} address, the upstream its sessions go to and its own settings (nginx's
   * {@code server {}}); what the settings leave unset comes from the proxy's defaults.
   *
   * @param proxyProtocol nginx's {@code listen ... proxy_protocol}: every client must open with a
   *     PROXY protocol header (v1 or v2, at most 4096 bytes, as nginx) before its first byte;
   *     without one the session ends with 400 and a {@link ProxyFault#PROXY_PROTOCOL_BAD_HEADER}
   *     line
   */
  public record Listener(
      InetSocketAddress address,
      Upstream upstream,
      int backlog,
      boolean reusePort,
      ListenerSettings settings,
      boolean proxyProtocol) {
    public Listener {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(upstream, "upstream");
      Objects.requireNonNull(settings, "settings");
      if (backlog < 1) {
        throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
      }
    }

    /** A listener whose clients send no PROXY header. */
    public Listener(
        InetSocketAddress address,
        Upstream upstream,
        int backlog,
        boolean reusePort,
        ListenerSettings settings) {
      this(address, upstream, backlog, reusePort, settings, false);
    }

    /** A listener with the proxy's default settings. */
    public Listener(InetSocketAddress address, Upstream upstream, int backlog, boolean reusePort) {
      this(address, upstream, backlog, reusePort, ListenerSettings.inherit());
    }
  }

  /** The listeners in configuration order; replaced whole by a reload. */
  private volatile List<ListenerRuntime> listeners;

  /** The upstreams by name in configuration order; replaced whole by a reload. */
  private volatile Map<String, Upstream> upstreams;

  private final RelayKind requestedRelay;
  private final boolean requestedRelayChosen;
  private volatile Duration drainTimeout;

  /** Every listener's access log once (listeners may share one); replaced whole by a reload. */
  private volatile Set<AccessLog> accessLogs;

  /**
   * Logs a reload replaced that sessions accepted before it still write to: each is closed once no
   * session uses it ({@link #closeUnusedLogs}).
   */
  private final Set<AccessLog> retiringLogs = ConcurrentHashMap.newKeySet();

  /** Write failures of the logs closed after a reload, so {@link #faults()} keeps counting them. */
  private final AtomicLong retiredLogWriteFailures = new AtomicLong();

  private final int ioThreads;
  private final boolean forceNio;
  private final Ticker ticker;
  private final FaultLog faults;
  private final HealthSignal health;
  private final Drain drain = new Drain();
  private final AtomicLong sessionIds = new AtomicLong();

  private EventLoopGroup group;
  private final IoThreads threads = new IoThreads();
  private volatile Relay relay;
  private RelayKind relayKind;
  private ScheduledFuture<?> healthTick;
  private volatile boolean running;
  private volatile boolean stopped;

  /** Given to {@link #reconfigure} of another proxy: it never starts. */
  private boolean consumed;

  // the session path, shared by every listener; set by start(), used again by reconfigure()
  private ListenerBinding binding;
  private Admission admission;
  private ProxyHeaderReader headers;
  private SessionAccounting accounting;

  private Proxy(Builder b) {
    if (b.listeners.isEmpty()) {
      throw new IllegalArgumentException("a proxy needs at least one listener");
    }
    ListenerSettings defaults = b.defaults.build();
    List<ListenerRuntime> runtimes = new ArrayList<>();
    Map<String, Upstream> byName = new LinkedHashMap<>();
    Set<AccessLog> logs = new LinkedHashSet<>();
    for (Listener l : b.listeners) {
      ListenerRuntime runtime = new ListenerRuntime(l, defaults);
      runtimes.add(runtime);
      byName.putIfAbsent(l.upstream().name(), l.upstream());
      if (runtime.settings.accessLog() != null) {
        logs.add(runtime.settings.accessLog());
      }
    }
    this.listeners = List.copyOf(runtimes);
    this.upstreams = Collections.unmodifiableMap(byName);
    this.accessLogs = Collections.unmodifiableSet(logs);
    this.requestedRelay = b.relay;
    this.requestedRelayChosen = b.relayChosen;
    this.drainTimeout = b.drainTimeout;
    this.ioThreads = b.ioThreads;
    this.forceNio = b.forceNio;
    this.ticker = b.ticker;
    this.faults = new FaultLog(b.ticker);
    this.health =
        HealthSignal.down("proxy:" + listeners.get(0).spec.address().getPort(), "not started");
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
    if (consumed) {
      throw new IllegalStateException(
          "this proxy was given to reconfigure() as a replacement: it never starts");
    }
    if (running || stopped) {
      throw new IllegalStateException("start() may be called once");
    }
    // The copy relay runs on epoll only with EpollHalfCloseGuard (Netty 4.2.18 drops a half-closed
    // channel
    // from epoll and then loses its queued writes; see that class); without it, on NIO.
    RelayChoice choice =
        RelayChoice.of(
            requestedRelay,
            requestedRelayChosen,
            RelayChoice.epollMissing(forceNio),
            SpliceRelay.unavailableReason(),
            EpollHalfCloseGuard.unavailableReason());
    relayKind = choice.relay();
    boolean epoll = choice.epoll();
    choice.warning().ifPresent(log::warn);
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    group = new MultiThreadIoEventLoopGroup(ioThreads, threads, io);
    relay =
        switch (relayKind) {
          case SPLICE -> new SpliceRelay(ioThreads);
          case AUTO -> CopyRelay.spliceAuto(ioThreads);
          case COPY -> CopyRelay.INSTANCE;
        };
    // the session path, shared by every listener: accept -> admit -> connect -> relay -> account
    UpstreamConnector connector =
        new UpstreamConnector(new BackendConnector(epoll), relay, ticker, faults);
    admission = new Admission(drain, connector);
    headers = new ProxyHeaderReader(admission, faults);
    accounting = new SessionAccounting(admission, drain, ticker, faults);
    binding = new ListenerBinding(group, epoll, faults);
    try {
      for (ListenerRuntime l : listeners) {
        l.accept = new AcceptHandler(l, admission, headers, accounting, sessionIds, ticker);
        binding.bind(l, l.accept);
        log.info(
            "listening on {} -> {} ({} relay, {})",
            l.address(),
            l.upstream(),
            relayKind.name().toLowerCase(Locale.ROOT),
            epoll ? "epoll" : "nio");
      }
    } catch (Exception e) {
      listeners.forEach(ListenerBinding::close);
      relay.shutdown();
      endIoThreads(1);
      throw e;
    }
    running = true;
    healthTick = group.next().scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    refreshHealth();
  }

  /**
   * Stops accepting, waits for sessions up to the drain timeout, closes the rest, releases threads.
   */
  @Override
  public void stop() {
    synchronized (this) {
      if (!running || stopped) {
        stopped = true;
        return;
      }
      stopped = true;
    }
    drain.stopAdmitting();
    listeners.forEach(ListenerBinding::close);
    refreshHealth();
    drain.drain(drainTimeout);
    healthTick.cancel(false);
    relay.shutdown();
    endIoThreads(2);
    running = false;
    for (AccessLog accessLog : accessLogs) {
      accessLog.close();
    }
    for (AccessLog accessLog : retiringLogs) {
      accessLog.close();
    }
  }

  /**
   * Ends the event loops, waiting at most {@link #IO_THREADS_END_BOUND}: a loop thread that never
   * comes back from a task (a {@link HealthListener} that blocks, against its contract) is named in
   * a PROXY_STOP_INCOMPLETE line and left to end when its task returns, so stop() itself returns.
   */
  private void endIoThreads(int timeoutSeconds) {
    Future<?> ended = group.shutdownGracefully(0, timeoutSeconds, TimeUnit.SECONDS);
    if (!ended.awaitUninterruptibly(IO_THREADS_END_BOUND.toMillis())) {
      log.error(
          "PROXY_STOP_INCOMPLETE: I/O threads still running {} s after they were asked to end, each in"
              + " a task that does not return; they end when it does: {}",
          IO_THREADS_END_BOUND.toSeconds(),
          threads.stillRunning());
    }
  }

  private void tick() {
    refreshHealth();
    closeUnusedLogs();
  }

  /**
   * Opens every listener's access log file again at its path ({@code nginx -s reopen}, what
   * logrotate's postrotate runs): lines already written stay in the renamed file, later sessions
   * log to a new file at the path. Each log is tried even when another fails.
   *
   * @return how many access logs were reopened (a log written to a writer counts, with nothing to
   *     do)
   * @throws IOException the first log that could not be reopened, the others' failures suppressed
   *     in it; a log that fails keeps writing to the file it had
   */
  public int reopenAccessLogs() throws IOException {
    IOException failure = null;
    int reopened = 0;
    Set<AccessLog> logs = new LinkedHashSet<>(accessLogs);
    logs.addAll(retiringLogs);
    for (AccessLog accessLog : logs) {
      try {
        accessLog.reopen();
        reopened++;
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return reopened;
  }

  /**
   * Applies {@code replacement}'s configuration to this running proxy without dropping a connection
   * (nginx's {@code -s reload}, in place): what differs changes, what stays keeps its sockets and
   * its state.
   *
   * <ul>
   *   <li><b>The replacement</b> is built with {@link #builder()} and never started; this call
   *       consumes it, whether it succeeds or not (starting it afterwards throws
   *       IllegalStateException). Its relay, io threads and force-NIO setting must be this proxy's:
   *       they make the event loops, and changing them needs a restart (IllegalArgumentException
   *       naming the setting). Its drain timeout replaces this one's; its ticker is not used.
   *   <li><b>Listeners</b> are matched by address: a replacement listener whose address is a
   *       running listener's address, as configured or as bound (so a port 0 listener is matched by
   *       port 0 or by the port it got), keeps that listener's sockets, which never stop accepting:
   *       no connection is refused during a reload. Its backlog and reuseport must be the same, as
   *       they are properties of the bound socket (else IllegalArgumentException naming the
   *       address; remove the listener in one reload and add it in the next to change them).
   *       Connections it accepts from the reload on get the replacement's upstream and settings
   *       (access rules, proxy_protocol, timeouts, limits, access log); sessions already
   *       established keep theirs to their end. Each connection reads its listener's configuration
   *       once, as one immutable value, so it never sees a mix of old and new.
   *   <li><b>New listeners</b> are bound before anything else changes; if one cannot be bound, the
   *       ones bound by this call are closed, nothing has changed, and the IOException names the
   *       address. <b>Removed listeners</b> stop accepting (a connection to them is refused from
   *       the return of this call); their sessions continue, as on {@link #stop()}, until they end
   *       or the drain timeout has passed, when the rest are closed.
   *   <li><b>Upstreams</b> are matched by name and change in place, under their lock (each pick
   *       sees one whole server set and method). A server with the same address in both keeps its
   *       state, with the new parameters: failures and their window (max_fails, fail_timeout),
   *       active sessions (least_conn, max_conns), health, draining and the counters of {@link
   *       #backendStats()}; the replacement's upstream object of that name is consumed ({@link
   *       #upstream(String)} gives the one to change at runtime). New servers join; the new
   *       balancing method applies from the next pick. Removed servers get no new session, and
   *       their sessions run to their end, counted on the server until then (a server removed and
   *       added back meanwhile continues its counts). An upstream no listener uses any more leaves
   *       {@link #upstream(String)} and {@link #backendStats()}.
   *   <li><b>Access logs</b>: the replacement's are opened when it is built (a log that cannot be
   *       opened fails the build, so nothing changes). A log of this proxy the replacement does not
   *       use is closed once no session writes to it any more.
   *   <li>{@link #listenerStats()} and {@link #boundAddresses()} follow the replacement's listener
   *       order; a kept listener keeps its counters.
   * </ul>
   *
   * <p>Reloads are serialised with each other and with {@link #stop()}. Not from an event loop of
   * this proxy (a Netty callback): it waits for them.
   *
   * @throws IllegalStateException this proxy is not running, or the call comes from one of its
   *     event loops
   * @throws IllegalArgumentException the replacement was started or consumed before, or differs in
   *     a setting that needs a restart
   * @throws IOException a new listener's address could not be bound; nothing has changed
   */
  public synchronized void reconfigure(Proxy replacement) throws IOException {
    Objects.requireNonNull(replacement, "replacement");
    if (replacement == this) {
      throw new IllegalArgumentException("a proxy cannot replace itself: build a new one");
    }
    synchronized (replacement) {
      if (replacement.running || replacement.stopped || replacement.consumed) {
        throw new IllegalArgumentException(
            "the replacement must be built and never started nor given to reconfigure() before");
      }
      replacement.consumed = true;
      replacement.stopped = true;
    }
    boolean applied = false;
    try {
      if (!running || stopped) {
        throw new IllegalStateException(
            "reconfigure() needs a running proxy; this one "
                + (stopped ? "has stopped" : "has not started"));
      }
      for (EventExecutor loop : group) {
        if (loop.inEventLoop()) {
          throw new IllegalStateException(
              "reconfigure() waits for the proxy's event loops: call it from another thread");
        }
      }
      requireSame("relay", requestedRelay, replacement.requestedRelay);
      requireSame("io threads", ioThreads, replacement.ioThreads);
      requireSame("force NIO", forceNio, replacement.forceNio);
      ReloadPlan plan =
          ReloadPlan.of(listeners, upstreams, replacement.listeners, replacement.upstreams);
      Map<ReloadPlan.Next, ListenerRuntime> bound = bindNew(plan);
      apply(plan, bound, replacement);
      applied = true;
    } finally {
      if (!applied) {
        for (AccessLog log : replacement.accessLogs) {
          if (!accessLogs.contains(log) && !retiringLogs.contains(log)) {
            log.close();
          }
        }
      }
    }
  }

  private static void requireSame(String setting, Object running, Object offered) {
    if (!running.equals(offered)) {
      throw new IllegalArgumentException(
          "the replacement's "
              + setting
              + " ("
              + offered
              + ") is not this proxy's ("
              + running
              + "): changing it needs a restart");
    }
  }

  /** Binds the plan's new listeners; on a failure closes them again and names the address. */
  private Map<ReloadPlan.Next, ListenerRuntime> bindNew(ReloadPlan plan) throws IOException {
    Map<ReloadPlan.Next, ListenerRuntime> bound = new java.util.IdentityHashMap<>();
    for (ReloadPlan.Next n : plan.listeners) {
      if (n.kept() != null) {
        continue;
      }
      ListenerRuntime l = ListenerRuntime.fresh(n.spec(), n.settings());
      l.accept = new AcceptHandler(l, admission, headers, accounting, sessionIds, ticker);
      bound.put(n, l);
      try {
        binding.bind(l, l.accept);
      } catch (Exception e) {
        bound.values().forEach(ListenerBinding::close);
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new IOException(
            "cannot bind listener "
                + n.spec().address()
                + ": "
                + FaultLog.reason(e)
                + "; the configuration was not changed",
            e);
      }
    }
    return bound;
  }

  /** The part of a reload that cannot fail: everything is bound and checked. */
  private void apply(
      ReloadPlan plan, Map<ReloadPlan.Next, ListenerRuntime> bound, Proxy replacement) {
    plan.reconfigured.forEach(Upstream::reconfigure);
    for (Upstream u : plan.added) {
      u.onChange(changed -> refreshHealth());
    }
    List<ListenerRuntime> next = new ArrayList<>();
    for (ReloadPlan.Next n : plan.listeners) {
      ListenerRuntime l = bound.get(n);
      if (l == null) {
        l = n.kept().reconfigured(n.spec(), n.settings());
        l.accept.use(l);
      } else {
        log.info(
            "listening on {} -> {} ({} relay)",
            l.address(),
            l.upstream(),
            relayKind.name().toLowerCase(Locale.ROOT));
      }
      next.add(l);
    }
    Set<AccessLog> replaced = accessLogs;
    retiringLogs.removeAll(replacement.accessLogs); // taken up again: no longer to be closed
    listeners = List.copyOf(next);
    upstreams = plan.upstreams;
    accessLogs = replacement.accessLogs;
    drainTimeout = replacement.drainTimeout;
    for (ListenerRuntime gone : plan.removed) {
      String address = gone.address();
      ListenerBinding.close(gone);
      log.info("stopped listening on {}; its sessions drain", address);
      group
          .next()
          .schedule(
              () -> drain.finish(s -> s.listener.sameListener(gone)),
              drainTimeout.toNanos(),
              TimeUnit.NANOSECONDS);
    }
    // Every connection accepted under the old configurations has entered the drain once each
    // loop has run a task queued now (a connection reads its configuration and enters in one
    // task): from here, no session using a replaced log is missed by closeUnusedLogs.
    awaitEventLoops();
    for (AccessLog l : replaced) {
      if (!accessLogs.contains(l)) {
        retiringLogs.add(l);
      }
    }
    closeUnusedLogs();
    refreshHealth();
    log.info(
        "reconfigured: {} listener(s) ({} new, {} removed), upstreams {}",
        next.size(),
        bound.size(),
        plan.removed.size(),
        plan.upstreams.keySet());
  }

  private void awaitEventLoops() {
    List<Future<?>> passes = new ArrayList<>();
    for (EventExecutor loop : group) {
      passes.add(loop.submit(() -> {}));
    }
    for (Future<?> pass : passes) {
      pass.awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }

  /** Closes the replaced access logs no session in progress writes to any more. */
  private void closeUnusedLogs() {
    for (AccessLog l : retiringLogs) {
      if (!drain.any(s -> s.listener.settings.accessLog() == l) && retiringLogs.remove(l)) {
        retiredLogWriteFailures.addAndGet(l.writeFailures());
        l.closeLater();
      }
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

  Future<?> closeFuture() {
    return group.terminationFuture();
  }

  // ---------------------------------------------------------------- queries

  /** The relay in use (SPLICE may fall back to COPY where splice is unavailable). */
  public RelayKind relay() {
    return relayKind;
  }

  /** The addresses actually bound (ephemeral ports resolved), in listener order. */
  public List<InetSocketAddress> boundAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (ListenerRuntime l : listeners) {
      out.add(l.boundAddress());
    }
    return out;
  }

  public Upstream upstream(String name) {
    Upstream u = upstreams.get(name);
    if (u == null) {
      throw new IllegalArgumentException(
          "no upstream " + name + " (have " + upstreams.keySet() + ")");
    }
    return u;
  }

  /** Bytes read from one side of a session and not yet handed to the other, over all sessions. */
  public long bufferedBytes() {
    return drain.bufferedBytes();
  }

  /**
   * Pipes the splice relay keeps for reuse, two descriptors each (HAProxy's pipe pool: up to 64 per
   * engine thread, kept after the sessions that needed them have ended); 0 for the copy relay.
   */
  public int pooledPipes() {
    Relay r = relay;
    return r == null ? 0 : r.pooledPipes();
  }

  /** How often each expected fault has happened since the proxy was built. */
  public Map<ProxyFault, Long> faults() {
    Map<ProxyFault, Long> out = faults.snapshot();
    Set<AccessLog> logs = new LinkedHashSet<>(accessLogs);
    logs.addAll(retiringLogs);
    long retiredFailures = retiredLogWriteFailures.get();
    if (!logs.isEmpty() || retiredFailures > 0) {
      long failures = retiredFailures;
      for (AccessLog accessLog : logs) {
        failures += accessLog.writeFailures();
      }
      out.put(ProxyFault.ACCESS_LOG_WRITE_FAILED, failures);
    }
    return out;
  }

  /** Sessions in progress across all listeners. */
  public int activeSessions() {
    return drain.size();
  }

  /** Each upstream's servers with their counters, by upstream name in configuration order. */
  public Map<String, List<BackendStats>> backendStats() {
    long now = ticker.nanoTime();
    Map<String, List<BackendStats>> out = new LinkedHashMap<>();
    for (Upstream u : upstreams.values()) {
      out.put(u.name(), u.stats(now));
    }
    return Collections.unmodifiableMap(out);
  }

  public List<ListenerStats> listenerStats() {
    List<ListenerStats> out = new ArrayList<>();
    for (ListenerRuntime l : listeners) {
      out.add(l.stats());
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
  public Subscription subscribe(HealthListener listener) {
    return health.subscribe(listener);
  }

  void refreshHealth() {
    if (!running || stopped) {
      health.set(Health.down(stopped ? "stopped" : "not started"));
      return;
    }
    for (ListenerRuntime l : listeners) {
      if (!l.bound()) {
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

  // ---------------------------------------------------------------- builder

  /**
   * Configures a {@link Proxy}; nginx's defaults unless changed. The per-session settings set here
   * ({@link #connectTimeout}, {@link #idleTimeout}, next upstream, {@link #accessRules}, limits,
   * {@link #accessLog}) are the defaults of every listener whose {@link ListenerSettings} leaves
   * them unset.
   */
  public static final class Builder {
    private final List<Listener> listeners = new ArrayList<>();
    private final ListenerSettings.Builder defaults = ListenerSettings.nginxDefaults();
    private RelayKind relay = RelayKind.AUTO;
    private boolean relayChosen;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private boolean forceNio;
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /** Listens on {@code HOST:PORT} (port 0: an ephemeral port, see {@link #boundAddresses()}). */
    public Builder listen(String hostPort, Upstream upstream) {
      return listen(hostPort, upstream, ListenerSettings.inherit());
    }

    /**
     * Listens on {@code HOST:PORT} with this listener's own settings (nginx's {@code server {}}).
     */
    public Builder listen(String hostPort, Upstream upstream, ListenerSettings settings) {
      int colon = hostPort.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "listen address must be HOST:PORT, got '" + hostPort + "'");
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
      return listen(
          new Listener(
              host.isEmpty() || host.equals("*")
                  ? new InetSocketAddress(port)
                  : new InetSocketAddress(host, port),
              upstream,
              511,
              false,
              settings));
    }

    /**
     * nginx's default backlog is 511; {@code reusePort} sets SO_REUSEPORT (nginx's {@code listen
     * ... reuseport}).
     */
    public Builder listen(Listener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The relay: {@link RelayKind#AUTO} by default (copy, then zero-copy splice once a session
     * streams, on Linux with the epoll transport: the cheapest per small request and per streamed
     * byte, see docs/benchmarks.md); where splice is not available the copy relay is used (with a
     * warning only when a relay was asked for).
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

    /**
     * nginx {@code proxy_timeout}: no byte either way for this long ends the session; 0 disables.
     */
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

    /**
     * nginx {@code proxy_next_upstream}: off tries one server only; on (default) moves on after a
     * failed connect.
     */
    public Builder nextUpstream(boolean on) {
      defaults.nextUpstream(on);
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
     * The most sessions per client address on each listener (nginx {@code limit_conn} on {@code
     * $binary_remote_addr}); 503 above. 0 (default): no limit.
     */
    public Builder maxConnectionsPerClient(int max) {
      defaults.maxConnectionsPerClient(max);
      return this;
    }

    /** nginx {@code proxy_protocol on}: see {@link ListenerSettings.Builder#sendProxyProtocol}. */
    public Builder sendProxyProtocol(ProxyProtocol version) {
      defaults.sendProxyProtocol(version);
      return this;
    }

    /**
     * nginx {@code proxy_protocol_timeout}: see {@link
     * ListenerSettings.Builder#proxyProtocolTimeout}.
     */
    public Builder proxyProtocolTimeout(Duration timeout) {
      defaults.proxyProtocolTimeout(timeout);
      return this;
    }

    /** nginx {@code set_real_ip_from}: see {@link ListenerSettings.Builder#realIpFrom}. */
    public Builder realIpFrom(List<org.ha4j.core.net.IpCidr> trusted) {
      defaults.realIpFrom(trusted);
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

    /**
     * Uses Java NIO even where epoll is available (same behaviour, for tests and odd platforms).
     */
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
