package org.ha4j.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a client of a {@code listen ... proxy_protocol} listener as soon as its first bytes
 * cannot begin a PROXY header, as nginx does: Netty's decoder waits for 13 bytes before it looks,
 * so a short request without a header ({@code "hi\n"}, then silence) would otherwise wait for the
 * whole {@code proxy_protocol_timeout}. Checks each byte against the v1 prefix {@code "PROXY "} and
 * the v2 signature ({@code doc/proxy-protocol.txt} sections 2.1 and 2.2), passes everything on
 * unchanged and leaves the pipeline once the signature's 12 bytes have been seen. One per
 * connection, in front of the decoder.
 */
final class ProxyHeaderSignature extends ChannelInboundHandlerAdapter {

  private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] V2 = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  private int seen;
  private boolean maybeV1 = true;
  private boolean maybeV2 = true;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      for (int i = buf.readerIndex(); i < buf.writerIndex() && seen < V2.length; i++, seen++) {
        byte b = buf.getByte(i);
        maybeV1 &= seen >= V1.length || b == V1[seen];
        maybeV2 &= b == V2[seen];
      }
      if (!maybeV1 && !maybeV2) {
        buf.release();
        ctx.fireExceptionCaught(
            new HAProxyProtocolException("the connection does not start with a PROXY header"));
        return;
      }
    }
    ctx.fireChannelRead(msg);
    if (seen >= V2.length && ctx.pipeline().context(this) != null) {
      ctx.pipeline().remove(this);
    }
  }
}
