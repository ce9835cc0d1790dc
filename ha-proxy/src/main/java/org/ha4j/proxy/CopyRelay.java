package org.ha4j.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * The portable relay: bytes go through a pooled buffer in user space. Backpressure as in Netty's proxy example:
 * auto-read is off, and a side is asked for more only after everything it produced has been written to the
 * other side, so each direction holds at most one read's worth of memory however slow the receiver is.
 *
 * <p>EOF from one side becomes a write shutdown (FIN) to the other once the pending bytes are out; the session
 * ends when both directions have ended. A read error such as a reset becomes a reset of the other side.
 */
final class CopyRelay implements Relay {

    static final CopyRelay INSTANCE = new CopyRelay();

    @Override
    public void start(Session session) {
        Channel client = session.client;
        Channel backend = session.backendChannel;
        Direction up = new Direction(session, true);
        Direction down = new Direction(session, false);
        up.other = down;
        down.other = up;
        client.pipeline().addLast("relay", up);
        backend.pipeline().addLast("relay", down);
        up.peer = backend;
        down.peer = client;
        // bytes (and a FIN) the client sent before the backend was connected
        for (io.netty.buffer.ByteBuf early : session.takeEarlyData()) {
            session.countFromClient(early.readableBytes());
            backend.write(early);
        }
        backend.flush();
        if (session.clientEofBeforeRelay) {
            up.inputEnded();
        } else {
            client.read();
        }
        backend.read();
    }

    /** One direction: reads from the channel it is installed on, writes to {@link #peer}. */
    static final class Direction extends ChannelInboundHandlerAdapter {
        final Session session;
        final boolean fromClient;
        Direction other;
        Channel peer;
        ChannelFuture lastWrite;
        long batchBytes;
        boolean eof;
        /** The FIN this direction owed the other side has been sent (after all its bytes). */
        boolean finSent;

        Direction(Session session, boolean fromClient) {
            this.session = session;
            this.fromClient = fromClient;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
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
            peer.flush();
            ChannelFuture pending = lastWrite;
            long batch = batchBytes;
            lastWrite = null;
            batchBytes = 0;
            if (pending == null) {
                if (!eof) {
                    ctx.read();
                }
                return;
            }
            pending.addListener((ChannelFutureListener) f -> {
                session.buffered.addAndGet(-batch);
                if (f.isSuccess()) {
                    session.activity();
                    if (!eof) {
                        ctx.read();
                    }
                } else {
                    // the receiver is gone: reset the sender, as a socket write error would
                    Session.resetAndClose(ctx.channel());
                    session.finish(SessionStatus.OK);
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
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
            // writeAndFlush of nothing orders the shutdown behind the pending bytes
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (peer instanceof DuplexChannel duplex && peer.isActive()) {
                    duplex.shutdownOutput();
                }
                finSent = true;
                if (other.finSent) {
                    session.finish(SessionStatus.OK);
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // closed without a half-close first (or after both): close the other side once its bytes are out
            if (peer.isActive()) {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            if (!session.isFinished()) {
                session.closer = () -> { };
                session.finish(SessionStatus.OK);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                // ECONNRESET and friends: pass the reset on, as a kernel-level proxy would
                Session.resetAndClose(peer);
                ctx.close();
                session.finish(SessionStatus.OK);
                return;
            }
            Proxy.log.warn("{}: relay failed", session, cause);
            Session.resetAndClose(peer);
            ctx.close();
            session.finish(SessionStatus.INTERNAL_SERVER_ERROR);
        }
    }
}
