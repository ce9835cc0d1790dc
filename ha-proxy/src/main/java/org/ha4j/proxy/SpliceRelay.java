package org.ha4j.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.UnixChannel;
import java.util.Optional;
import org.ha4j.core.linux.NativeCallException;
import org.ha4j.proxy.splice.SpliceEngine;

/**
 * The zero-copy relay: after Netty has accepted and connected the two sockets, they are
 * deregistered from Netty's event loop and handed to a {@link SpliceEngine}, which moves bytes
 * socket to pipe to socket with {@code splice(2)}. Netty still owns the sockets: options and the
 * final close go through the channels. Why not Netty's deprecated {@code spliceTo}: see {@link
 * SpliceEngine}.
 *
 * <p>Bytes the client sent before the backend was connected (read by Netty when it saw an early
 * FIN) are written through Netty first; the handoff happens once they are out.
 */
final class SpliceRelay implements Relay {

  private final SpliceEngine engine;

  SpliceRelay(int threads) throws NativeCallException {
    this.engine = new SpliceEngine(threads, 0);
  }

  static Optional<String> unavailableReason() {
    return SpliceEngine.unavailableReason();
  }

  SpliceEngine engine() {
    return engine;
  }

  @Override
  public int pooledPipes() {
    return engine.idlePipes();
  }

  @Override
  public void start(Session session) {
    Channel client = session.client;
    Channel backend = session.server.channel();
    for (ByteBuf early : session.early.take()) {
      session.countFromClient(early.readableBytes());
      backend.write(early);
    }
    Handoff handoff = new Handoff(session, engine);
    session.closer = handoff::closeFromSession;
    // Netty reads a hung-up socket to its end even with auto-read off (its EPOLLRDHUP handling), so
    // a
    // backend that answers and closes before the handoff would have its bytes read into the
    // pipeline and
    // dropped there. Keep them, and pass them to the client before the client goes to the engine.
    EarlyBackendBytes early = new EarlyBackendBytes();
    backend.pipeline().addLast("splice-early", early);
    backend
        .writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!written.isSuccess()) {
                    Session.resetAndClose(client);
                    backend.close();
                    session.finish(SessionStatus.OK);
                    return;
                  }
                  backend
                      .deregister()
                      .addListener(
                          b -> {
                            java.util.List<ByteBuf> read = early.take();
                            if (read.isEmpty()) {
                              client
                                  .deregister()
                                  .addListener(
                                      c ->
                                          handoff.start(
                                              clientBacklog(session), SpliceEngine.Backlog.NONE));
                              return;
                            }
                            for (ByteBuf buf : read) {
                              session.countToClient(buf.readableBytes());
                              client.write(buf);
                            }
                            client
                                .writeAndFlush(Unpooled.EMPTY_BUFFER)
                                .addListener(
                                    (ChannelFutureListener)
                                        sent -> {
                                          if (!sent.isSuccess()) {
                                            Session.resetAndClose(client);
                                            backend.unsafe().closeForcibly();
                                            session.finish(SessionStatus.OK);
                                            return;
                                          }
                                          client
                                              .deregister()
                                              .addListener(
                                                  c ->
                                                      handoff.start(
                                                          clientBacklog(session),
                                                          SpliceEngine.Backlog.NONE));
                                        });
                          });
                });
  }

  /**
   * Holds what Netty read from the backend before the handoff. Its FIN needs no keeping: a socket
   * that has seen it reads as ended again, so the engine finds the end on its own.
   */
  private static final class EarlyBackendBytes
      extends io.netty.channel.ChannelInboundHandlerAdapter {
    private final java.util.List<ByteBuf> read = new java.util.ArrayList<>();

    @Override
    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf) {
        read.add(buf);
      } else {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
      // the backend's half-close before the handoff: the engine reads the end again
      if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
        EpollHalfCloseGuard.inputEnded(ctx.channel());
      }
    }

    /** The bytes read so far; called on the backend's event loop once it is deregistered. */
    java.util.List<ByteBuf> take() {
      java.util.List<ByteBuf> taken = new java.util.ArrayList<>(read);
      read.clear();
      return taken;
    }
  }

  @Override
  public void shutdown() {
    engine.close();
  }

  /**
   * The bytes of {@code buffers}, in order, as one array for a {@link SpliceEngine.Backlog};
   * releases them.
   */
  static byte[] drain(java.util.List<ByteBuf> buffers) {
    int size = 0;
    for (ByteBuf b : buffers) {
      size += b.readableBytes();
    }
    byte[] bytes = new byte[size];
    int at = 0;
    for (ByteBuf b : buffers) {
      int n = b.readableBytes();
      b.readBytes(bytes, at, n);
      at += n;
      b.release();
    }
    return bytes;
  }

  /**
   * What the client sent (and Netty read, on its FIN) since the relay started: the engine writes it
   * first.
   */
  private static SpliceEngine.Backlog clientBacklog(Session session) {
    byte[] bytes = drain(session.early.take());
    return bytes.length == 0 && !session.early.clientEof()
        ? SpliceEngine.Backlog.NONE
        : new SpliceEngine.Backlog(bytes, session.early.clientEof(), false);
  }

  /**
   * The moment sockets pass from Netty to the engine, guarded against a concurrent finish. Used by
   * this relay and by the copy relay's streaming handoff ({@link RelayKind#AUTO}).
   */
  static final class Handoff implements SpliceEngine.Listener {
    private final Session session;
    private final SpliceEngine engine;
    private SpliceEngine.Handle handle;
    private boolean closed;

    Handoff(Session session, SpliceEngine engine) {
      this.session = session;
      this.engine = engine;
    }

    /** Both channels are deregistered from Netty; on the client's event loop. */
    void start(SpliceEngine.Backlog up, SpliceEngine.Backlog down) {
      synchronized (this) {
        // finished meanwhile (a channel closed under Netty, the proxy stopping): its descriptors
        // may
        // already be closed and their numbers reused, so they must never reach the engine
        if (closed
            || session.isFinished()
            || !session.client.isOpen()
            || !session.server.channel().isOpen()) {
          closed = true;
          closeChannels(false, false);
          return;
        }
        int clientFd = ((UnixChannel) session.client).fd().intValue();
        int backendFd = ((UnixChannel) session.server.channel()).fd().intValue();
        handle = engine.relay(clientFd, backendFd, up, down, this);
      }
    }

    /** The session is finishing for another reason (idle timeout, proxy stop). */
    void closeFromSession() {
      synchronized (this) {
        closed = true;
        if (handle != null) {
          handle.close(); // the engine calls finished(), which closes the channels
          return;
        }
      }
      // not handed off yet: start() will close them, or Netty still has them registered
      if (session.client.isRegistered()) {
        session.closeChannels();
      }
    }

    @Override
    public void transferred(boolean fromClient, long n) {
      if (fromClient) {
        session.countFromClient(n);
      } else {
        session.countToClient(n);
      }
      session.activity();
    }

    @Override
    public void buffered(long delta) {
      session.buffered.addAndGet(delta);
    }

    @Override
    public void finished(boolean reset, boolean resetClient) {
      closeChannels(reset, resetClient);
      if (reset) {
        // the engine resets the side opposite the one that failed
        session.finishAfterReset(!resetClient, "connection reset or lost");
      } else {
        session.finish(SessionStatus.OK);
      }
    }

    private void closeChannels(boolean reset, boolean resetClient) {
      Channel client = session.client;
      Channel backend = session.server.channel();
      if (reset) {
        Channel target = resetClient ? client : backend;
        try {
          target.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
          // the socket may already be dead; it is closed below either way
        }
      }
      // deregistered channels: close the descriptors directly (no event loop owns them any more)
      client.unsafe().closeForcibly();
      backend.unsafe().closeForcibly();
    }
  }
}
