package org.ha4j.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.ha4j.core.time.Ticker;

/**
 * The one handler of every client channel of a listener, shared by all its connections (a fixed
 * pipeline: no handler is added or removed per session, except the PROXY header handlers in front
 * of this one on a {@code listen ... proxy_protocol} listener, which leave once the header is
 * read). A new connection becomes a {@link Session} handed to {@link Admission}, after its header
 * has gone through {@link ProxyHeaderReader} where one is expected; until the relay starts, this
 * handler keeps what the client sends; then it passes every event to the relay's client-side
 * handler, if the relay has one. Runs on the client's event loop.
 */
@ChannelHandler.Sharable
final class AcceptHandler extends ChannelInboundHandlerAdapter {

  /**
   * What a client did before its relay started. Private to this nested class, so only {@link
   * AcceptHandler} writes it, on the client's event loop; the relay takes it over when it starts.
   */
  static final class BeforeRelay {
    /** Bytes the client sent (Netty reads them when it sees the client's FIN). */
    private List<ByteBuf> data;

    private boolean clientEof;

    /** The client half-closed before the relay started. */
    boolean clientEof() {
      return clientEof;
    }

    /** Hands the early bytes to the relay (which then owns them). */
    List<ByteBuf> take() {
      List<ByteBuf> taken = data == null ? List.of() : data;
      data = null;
      return taken;
    }

    boolean hasData() {
      return data != null;
    }

    /** Frees what no relay took. On the client's event loop. */
    void release() {
      for (ByteBuf b : take()) {
        b.release();
      }
    }
  }

  private static final AttributeKey<Session> SESSION =
      AttributeKey.valueOf(AcceptHandler.class, "session");

  /**
   * The listener's configuration for the connections accepted from now on; a reload swaps it whole
   * ({@link #use}), and each connection reads it once.
   */
  private volatile ListenerRuntime listener;

  private final Admission admission;
  private final ProxyHeaderReader headers;
  private final SessionAccounting accounting;
  private final AtomicLong sessionIds;
  private final Ticker ticker;

  AcceptHandler(
      ListenerRuntime listener,
      Admission admission,
      ProxyHeaderReader headers,
      SessionAccounting accounting,
      AtomicLong sessionIds,
      Ticker ticker) {
    this.listener = listener;
    this.admission = admission;
    this.headers = headers;
    this.accounting = accounting;
    this.sessionIds = sessionIds;
    this.ticker = ticker;
  }

  /** Connections accepted from now on get {@code next}'s configuration (a reload). */
  void use(ListenerRuntime next) {
    listener = next;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ListenerRuntime l = listener;
    Session session =
        new Session(sessionIds.incrementAndGet(), l, ctx.channel(), ticker, accounting);
    ctx.channel().attr(SESSION).set(session);
    admission.arrive(session);
    if (l.spec.proxyProtocol()) {
      // nothing is read before the first read() (auto-read is off): the header handlers go in
      // front now, per connection, so a reload can turn proxy_protocol on or off for a kept socket
      ctx.pipeline()
          .addBefore(ctx.name(), null, new ProxyHeaderSignature())
          .addBefore(ctx.name(), null, ProxyHeaderReader.newDecoder());
      headers.await(session);
    } else {
      admission.admit(session);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    Session session = ctx.channel().attr(SESSION).get();
    if (session != null && session.clientRelay != null) {
      session.clientRelay.channelRead(ctx, msg);
      return;
    }
    if (msg instanceof HAProxyMessage header) {
      if (session != null) {
        headers.received(session, header);
      } else {
        header.release();
      }
      return;
    }
    // no read is issued before the relay starts, but on a FIN (EPOLLRDHUP) Netty reads what is
    // there:
    // keep it for the relay, as nginx keeps what it read before connecting upstream
    if (session != null && !session.isFinished() && msg instanceof ByteBuf buf) {
      BeforeRelay early = session.early;
      if (early.data == null) {
        early.data = new ArrayList<>(2);
      }
      early.data.add(buf);
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
    if (evt instanceof ChannelInputShutdownEvent && session != null) {
      if (session.header.awaiting()) {
        headers.rejected(session, "the client closed its side before the header ended");
        return;
      }
      EpollHalfCloseGuard.inputEnded(ctx.channel());
      session.early.clientEof = true;
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
    if (session != null && session.header.awaiting()) {
      headers.rejected(session, "the connection ended before the header did");
      return;
    }
    if (session != null && !session.server.connected()) {
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
    if (session != null && session.header.awaiting()) {
      ctx.close();
      headers.rejected(session, FaultLog.reason(cause));
      return;
    }
    ctx.close();
    if (session != null && !session.server.connected()) {
      session.finish(SessionStatus.OK);
    }
  }
}
