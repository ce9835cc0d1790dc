package org.ha4j.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.time.Ticker;
import org.ha4j.proxy.balance.Attempt;
import org.ha4j.proxy.balance.HashKey;

/**
 * nginx's upstream phase for an admitted session: picks a server, connects to it, and on a failed
 * or timed-out connect moves on to the next server while {@code proxy_next_upstream_tries} and
 * {@code proxy_next_upstream_timeout} allow (502 when they do not); once connected, starts the
 * relay and the idle timer. Runs on the client's event loop, where the backend channel is
 * registered too.
 */
final class UpstreamConnector {

  /**
   * A session's server side. Its fields are private to this nested class, so only {@link
   * UpstreamConnector} writes them, on the client's event loop; the relay and {@link
   * SessionAccounting} read them from any thread (the fields they read are volatile, or written
   * before the relay starts).
   */
  static final class Connection {
    private volatile Attempt attempt;
    private volatile Upstream.Backend backend;

    /** Open from the start of a connect until the session ends or the connect fails. */
    private volatile Channel channel;

    private volatile boolean connected;
    private long connectStartNanos;
    private final List<Session.AttemptRecord> attempts = new CopyOnWriteArrayList<>();

    /** The balancer's attempt, null until the session was admitted. */
    Attempt attempt() {
      return attempt;
    }

    /** The server of the current attempt. */
    Upstream.Backend backend() {
      return backend;
    }

    Channel channel() {
      return channel;
    }

    boolean connected() {
      return connected;
    }

    /** Every server tried, in order: nginx's {@code $upstream_addr} and friends. */
    List<Session.AttemptRecord> attempts() {
      return attempts;
    }

    Session.AttemptRecord current() {
      return attempts.get(attempts.size() - 1);
    }
  }

  private final BackendConnector connector;
  private final Relay relay;
  private final IdleTimer idleTimer;
  private final Ticker ticker;
  private final FaultLog faults;

  UpstreamConnector(BackendConnector connector, Relay relay, Ticker ticker, FaultLog faults) {
    this.connector = connector;
    this.relay = relay;
    this.idleTimer = new IdleTimer(ticker, IdleTimer.Checks.EVENT_LOOP);
    this.ticker = ticker;
    this.faults = faults;
  }

  void start(Session session) {
    Upstream upstream = session.listener.upstream();
    byte[] key =
        upstream.strategy().hashKey().map(k -> k.evaluate(variables(session))).orElse(null);
    session.server.attempt =
        upstream.newAttempt(
            key,
            session.remote.getAddress().getAddress(),
            session.listener.settings.nextUpstreamTries());
    connect(session);
  }

  private static HashKey.Session variables(Session s) {
    return new HashKey.Session(
        s.remoteAddr(),
        s.remote.getPort(),
        s.serverAddr(),
        s.local.getPort(),
        s.remote.getAddress().getAddress());
  }

  /** One connection attempt. */
  private void connect(Session session) {
    Upstream upstream = session.listener.upstream();
    ListenerSettings settings = session.listener.settings;
    Duration nextUpstreamTimeout = settings.nextUpstreamTimeout();
    long now = ticker.nanoTime();
    Connection server = session.server;
    Upstream.Backend backend = upstream.select(server.attempt, now);
    if (backend == null) {
      faults.report(ProxyFault.NO_LIVE_UPSTREAMS, session + ": in " + upstream.name());
      session.finish(SessionStatus.BAD_GATEWAY);
      return;
    }
    server.backend = backend;
    server.attempts.add(new Session.AttemptRecord(backend.peer.server()));
    server.connectStartNanos = now;
    long timeoutMillis = settings.connectTimeout().toMillis();
    if (!nextUpstreamTimeout.isZero()) {
      long left =
          nextUpstreamTimeout.toMillis() - TimeUnit.NANOSECONDS.toMillis(now - session.startNanos);
      timeoutMillis = Math.max(1, Math.min(timeoutMillis, left));
    }
    Channel ch;
    try {
      ch = connector.open(timeoutMillis, backend.address);
    } catch (ChannelException e) {
      // no socket to try any server with (nginx: socket() failed, 500); not the server's fault
      faults.report(ProxyFault.NO_UPSTREAM_SOCKET, session + ": " + FaultLog.reason(e));
      upstream.release(server.attempt, false, now);
      session.finish(SessionStatus.INTERNAL_SERVER_ERROR);
      return;
    }
    server.channel = ch; // from here a finishing session closes it, even mid-connect
    connector
        .connect(ch, session.client.eventLoop(), backend.address)
        .addListener((ChannelFutureListener) done -> connected(session, done));
  }

  private void connected(Session session, ChannelFuture done) {
    Upstream upstream = session.listener.upstream();
    Duration nextUpstreamTimeout = session.listener.settings.nextUpstreamTimeout();
    Connection server = session.server;
    long now = ticker.nanoTime();
    if (session.isFinished()) {
      // the client left while we were connecting
      done.channel().close();
      upstream.release(server.attempt, false, now);
      return;
    }
    if (!done.isSuccess()) {
      // the connector has closed the channel already
      faults.report(
          ProxyFault.UPSTREAM_CONNECT_FAILED,
          session
              + ": connect to "
              + server.backend.peer.server()
              + " failed: "
              + FaultLog.reason(done.cause()));
      server.backend.connectFailures.increment();
      server.channel = null;
      upstream.release(server.attempt, true, now);
      boolean timeUp =
          !nextUpstreamTimeout.isZero()
              && now - session.startNanos >= nextUpstreamTimeout.toNanos();
      if (server.attempt.triesLeft() == 0 || timeUp) {
        session.finish(SessionStatus.BAD_GATEWAY);
      } else {
        connect(session);
      }
      return;
    }
    long connectMillis = TimeUnit.NANOSECONDS.toMillis(now - server.connectStartNanos);
    server.current().connectMillis = connectMillis;
    upstream.connected(server.attempt, server.backend, connectMillis);
    server.connected = true;
    session.activity();
    ProxyProtocol header = session.listener.settings.sendProxyProtocol();
    if (header != ProxyProtocol.OFF) {
      ProxyHeaderWriter.write(session, server.channel, header);
    }
    relay.start(session);
    idleTimer.start(session, session.listener.settings.idleTimeout());
  }
}
