package org.ha4j.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.unix.Socket;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.linux.NativeCallException;
import org.ha4j.proxy.splice.SpliceEngine;

/**
 * The portable relay: bytes go through a pooled buffer in user space. Backpressure as in Netty's
 * proxy example: auto-read is off, and a side is asked for more only after everything it produced
 * has been written to the other side, so each direction holds at most one read's worth of memory
 * however slow the receiver is.
 *
 * <p>EOF from one side becomes a write shutdown (FIN) to the other once the pending bytes are out;
 * the session ends when both directions have ended. A read error such as a reset becomes a reset of
 * the other side.
 *
 * <p>With a splice engine ({@link RelayKind#AUTO}) this is HAProxy's {@code splice-auto}: every
 * session starts here, and a session that streams ({@value #STREAMING_BATCHES} read cycles in a row
 * of at least {@value #STREAMING_BATCH} bytes in one direction) is handed to the engine. Short and
 * request/response sessions never pay the handoff (two deregistrations, two {@code epoll_ctl(ADD)},
 * a cross-thread queue). The handoff keeps every byte in order: once it is asked for, no read is
 * issued any more, whatever Netty still reads is kept aside instead of written, the writes already
 * issued are waited for, both channels leave Netty, and the kept bytes travel to the engine as a
 * {@link SpliceEngine.Backlog} it writes before it splices anything.
 */
final class CopyRelay implements Relay {

  static final CopyRelay INSTANCE = new CopyRelay(null);

  /**
   * A read cycle at least this large counts towards streaming (HAProxy: a read that filled the
   * buffer).
   */
  static final int STREAMING_BATCH = 16 * 1024;

  /**
   * Consecutive streaming read cycles of one direction before the handoff (HAProxy's "fast
   * streamer").
   */
  static final int STREAMING_BATCHES = 2;

  private final SpliceEngine engine;

  private CopyRelay(SpliceEngine engine) {
    this.engine = engine;
  }

  /** Copy first, splice once a session streams. */
  static CopyRelay spliceAuto(int threads) throws NativeCallException {
    return new CopyRelay(new SpliceEngine(threads, 0));
  }

  SpliceEngine engine() {
    return engine;
  }

  @Override
  public int pooledPipes() {
    return engine == null ? 0 : engine.idlePipes();
  }

  @Override
  public void shutdown() {
    if (engine != null) {
      engine.close();
    }
  }

  @Override
  public void start(Session session) {
    Channel client = session.client;
    Channel backend = session.server.channel();
    Switch toSplice = engine == null ? null : new Switch(session, engine);
    Direction up = new Direction(session, true, toSplice);
    Direction down = new Direction(session, false, toSplice);
    up.other = down;
    down.other = up;
    up.peer = backend;
    down.peer = client;
    if (toSplice != null) {
      toSplice.up = up;
      toSplice.down = down;
    }
    session.clientRelay = up; // the client's pipeline passes its events on
    backend.pipeline().addLast("relay", down);
    // bytes (and a FIN) the client sent before the backend was connected
    for (ByteBuf early : session.early.take()) {
      session.countFromClient(early.readableBytes());
      backend.write(early);
    }
    backend.flush();
    if (session.early.clientEof()) {
      up.inputEnded();
    } else {
      client.read();
    }
    backend.read();
  }

  /**
   * Whether Netty keeps {@code channel} open on its EOF (firing ChannelInputShutdownEvent) or
   * closes it (channelInactive).
   */
  static void allowHalfClosure(Channel channel, boolean allow) {
    if (channel.config() instanceof DuplexChannelConfig config) {
      config.setAllowHalfClosure(allow);
    }
  }

  /** One direction: reads from the channel it is installed on, writes to {@link #peer}. */
  static final class Direction extends ChannelInboundHandlerAdapter {
    final Session session;
    final boolean fromClient;
    final Switch toSplice;
    Direction other;
    Channel peer;
    ChannelFuture lastWrite;
    long batchBytes;
    int streamingBatches;
    boolean eof;

    /** The FIN this direction owed the other side has been sent (after all its bytes). */
    boolean finSent;

    /** Read after the handoff was asked for: not written, handed to the engine. */
    List<ByteBuf> kept;

    Direction(Session session, boolean fromClient, Switch toSplice) {
      this.session = session;
      this.fromClient = fromClient;
      this.toSplice = toSplice;
    }

    private boolean switching() {
      return toSplice != null && toSplice.requested;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (switching()) {
        if (kept == null) {
          kept = new ArrayList<>(2);
        }
        kept.add(buf); // counted by the engine when it writes them
        return;
      }
      int n = buf.readableBytes();
      if (fromClient) {
        session.countFromClient(n);
      } else {
        session.countToClient(n);
      }
      session.activity();
      session.buffered.addAndGet(n);
      batchBytes += n;
      lastWrite = peer.write(buf);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ChannelFuture pending = lastWrite;
      if (pending == null && switching()) {
        return; // what was read is kept for the engine
      }
      peer.flush();
      long batch = batchBytes;
      lastWrite = null;
      batchBytes = 0;
      boolean streams = false;
      if (toSplice != null) {
        streamingBatches = batch >= STREAMING_BATCH ? streamingBatches + 1 : 0;
        streams = streamingBatches >= STREAMING_BATCHES;
      }
      if (pending == null) {
        if (streams) {
          toSplice.request();
        } else if (!eof && !switching()) {
          ctx.read();
        }
        return;
      }
      if (toSplice != null) {
        toSplice.inFlight++;
      }
      pending.addListener(
          (ChannelFutureListener)
              f -> {
                session.buffered.addAndGet(-batch);
                if (toSplice != null) {
                  toSplice.inFlight--;
                }
                if (f.isSuccess()) {
                  session.activity();
                  if (switching()) {
                    toSplice.proceed();
                  } else if (!eof) {
                    ctx.read();
                  }
                } else {
                  // the receiver is gone: reset the sender, as a socket write error would
                  Session.resetAndClose(ctx.channel());
                  session.finishAfterReset(
                      peer == session.client, "write failed: " + FaultLog.reason(f.cause()));
                }
              });
      if (streams) {
        toSplice.request();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        if (!other.finSent) {
          // bytes may still have to be written to this channel: keep it in epoll (once the other
          // direction is over, nothing will be, and the guard's epoll_ctl is saved)
          EpollHalfCloseGuard.inputEnded(ctx.channel());
        }
        inputEnded();
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    /** EOF from this side: a FIN to the other side after the bytes already written. */
    void inputEnded() {
      if (eof) {
        return;
      }
      eof = true;
      if (switching()) {
        return; // the engine sends the FIN after the kept bytes
      }
      if (toSplice != null) {
        toSplice.inFlight++;
      }
      // writeAndFlush of nothing orders the shutdown behind the pending bytes
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (peer.isActive()) {
                      sendFin(peer);
                    }
                    finSent = true;
                    if (toSplice != null) {
                      toSplice.inFlight--;
                    }
                    if (other.finSent) {
                      session.finish(SessionStatus.OK);
                    } else if (switching()) {
                      toSplice.proceed();
                    } else if (!other.eof) {
                      // the peer's own EOF will end the session: Netty may then close the peer
                      // outright (channelInactive), sparing the input shutdown, the FIN to this
                      // side before its close, and both their system calls
                      allowHalfClosure(peer, false);
                    }
                  });
    }

    /**
     * Shuts the output of a channel whose queued bytes are all written. On epoll this is the
     * socket's shutdown(SHUT_WR) itself: Netty's shutdownOutput() would also build an exception
     * with a stack trace for writes that cannot be pending here. The socket records the shutdown,
     * so the channel still reports its output as shut.
     */
    private static void sendFin(Channel peer) {
      if (peer instanceof AbstractEpollStreamChannel epoll && epoll.fd() instanceof Socket socket) {
        try {
          socket.shutdown(false, true);
        } catch (IOException | NotYetConnectedException e) {
          // the peer is gone already (Netty reports ENOTCONN unchecked): its reset or close
          // arrives as an event of its own, and the session must still count this FIN as sent
          Proxy.log.debug("{}: shutdown of the output failed: {}", peer, e.toString());
        }
      } else if (peer instanceof DuplexChannel duplex) {
        duplex.shutdownOutput();
      }
    }

    /** What this direction still owes its destination when the engine takes over. */
    SpliceEngine.Backlog backlog() {
      byte[] bytes = kept == null ? new byte[0] : SpliceRelay.drain(kept);
      kept = null;
      return new SpliceEngine.Backlog(bytes, eof, finSent);
    }

    void releaseKept() {
      if (kept != null) {
        for (ByteBuf b : kept) {
          b.release();
        }
        kept = null;
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      releaseKept();
      // closed without a half-close first (or after both): close the other side once its bytes are
      // out
      if (peer.isActive()) {
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
      if (!session.isFinished()) {
        session.closer = () -> {};
        session.finish(SessionStatus.OK);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      IOException io = FaultLog.ioCause(cause);
      if (io != null) {
        // ECONNRESET and friends: pass the reset on, as a kernel-level proxy would
        Session.resetAndClose(peer);
        ctx.close();
        session.finishAfterReset(ctx.channel() == session.client, FaultLog.reason(io));
        return;
      }
      Proxy.log.warn("{}: relay failed", session, cause);
      Session.resetAndClose(peer);
      ctx.close();
      session.finish(SessionStatus.INTERNAL_SERVER_ERROR);
    }
  }

  /**
   * The handoff of one streaming session to the splice engine. Everything runs on the session's
   * event loop (client and backend share it), so plain fields suffice.
   */
  static final class Switch {
    final Session session;
    final SpliceEngine engine;
    Direction up;
    Direction down;

    /** Writes (bytes or FIN) issued before the request whose completion has not been seen yet. */
    int inFlight;

    boolean requested;
    private boolean leaving;

    Switch(Session session, SpliceEngine engine) {
      this.session = session;
      this.engine = engine;
    }

    void request() {
      requested = true;
      // from here an EOF is kept for the engine, after the bytes read before it
      // (Direction.inputEnded): Netty must not close a channel on one, which would drop them
      allowHalfClosure(session.client, true);
      allowHalfClosure(session.server.channel(), true);
      proceed();
    }

    /** Leaves Netty once nothing issued through it is still on its way. */
    void proceed() {
      if (!requested || leaving || inFlight > 0 || session.isFinished()) {
        return;
      }
      if (up.finSent && down.finSent) {
        return; // both directions are over: the session is finishing on the copy path
      }
      leaving = true;
      SpliceRelay.Handoff handoff = new SpliceRelay.Handoff(session, engine);
      session.closer = handoff::closeFromSession;
      Channel client = session.client;
      Channel backend = session.server.channel();
      // deregistration completes in a later event-loop task; reads Netty does until then are kept
      // aside
      client
          .deregister()
          .addListener(
              c ->
                  backend
                      .deregister()
                      .addListener(
                          b -> {
                            SpliceEngine.Backlog upBacklog = up.backlog();
                            SpliceEngine.Backlog downBacklog = down.backlog();
                            handoff.start(upBacklog, downBacklog);
                          }));
    }
  }
}
