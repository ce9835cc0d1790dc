package org.ha4j.proxy;

import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.time.Ticker;

/**
 * The last step of every session, whatever ended it: stops its timer, frees what it still holds,
 * gives its server slot and its place under the limits back, counts its status for the listener and
 * writes its access-log line. Called once per session by {@link Session#finish}, on any thread.
 */
final class SessionAccounting {

  private final Admission admission;
  private final Drain drain;
  private final Ticker ticker;
  private final FaultLog faults;

  SessionAccounting(Admission admission, Drain drain, Ticker ticker, FaultLog faults) {
    this.admission = admission;
    this.drain = drain;
    this.ticker = ticker;
    this.faults = faults;
  }

  /**
   * A side of {@code session} failed mid-session (a reset, a write to a dead peer): one named,
   * rate-limited line.
   */
  void reset(Session session, boolean byClient, String why) {
    faults.report(
        byClient ? ProxyFault.CLIENT_RESET : ProxyFault.UPSTREAM_RESET, session + ": " + why);
  }

  void finished(Session session, int status) {
    ListenerRuntime l = session.listener;
    session.idle.cancel();
    ProxyHeaderReader.cancel(session);
    if (session.client.eventLoop().inEventLoop()) {
      session.early.release();
    } else if (session.client.isRegistered() || session.early.hasData()) {
      // a session the splice engine ended has its client deregistered and its early bytes already
      // handed over: no need to wake the event loop for nothing
      session.client.eventLoop().execute(session.early::release);
    }
    UpstreamConnector.Connection server = session.server;
    if (server.attempt() != null && server.attempt().current() != null && server.connected()) {
      l.upstream().release(server.attempt(), false, ticker.nanoTime());
    } else if (!server.connected()) {
      session.client.close();
    }
    admission.leave(session);
    l.countStatus(status);
    l.sessionNanos.add(ticker.nanoTime() - session.startNanos);
    l.ended.increment();
    AccessLog accessLog = l.settings.accessLog();
    if (accessLog != null) {
      accessLog.log(entry(session, status));
    }
    drain.leave(session);
  }

  private static AccessLogFormat.Entry entry(Session s, int status) {
    List<Session.AttemptRecord> tried = s.server.attempts();
    List<AccessLogFormat.UpstreamAttempt> attempts = new ArrayList<>(tried.size());
    for (Session.AttemptRecord a : tried) {
      attempts.add(
          new AccessLogFormat.UpstreamAttempt(
              a.address, a.connectMillis, a.bytesSent, a.bytesReceived));
    }
    long end = System.currentTimeMillis();
    return new AccessLogFormat.Entry(
        s.remoteAddr(),
        s.remote.getPort(),
        s.serverAddr(),
        s.local.getPort(),
        attempts,
        s.listener.upstream().name(),
        end,
        end - s.startMillis,
        status,
        s.bytesToClient(),
        s.bytesFromClient(),
        s.id,
        Session.text(s.peer),
        s.peer.getPort(),
        s.proxiedSource == null ? null : Session.text(s.proxiedSource),
        s.proxiedSource == null ? 0 : s.proxiedSource.getPort(),
        s.proxiedDestination == null ? null : Session.text(s.proxiedDestination),
        s.proxiedDestination == null ? 0 : s.proxiedDestination.getPort());
  }
}
