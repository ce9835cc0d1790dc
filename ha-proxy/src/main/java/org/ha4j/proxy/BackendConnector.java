package org.ha4j.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CancellationException;

/**
 * Opens the backend connection of one attempt. The channel is built by hand rather than through a
 * Bootstrap (no option maps, no resolver group lookup, no initializer) and registers on the
 * client's event loop, so the session's two channels share one thread.
 *
 * <p>What a Bootstrap guarantees is kept here: a channel whose registration or connect fails, times
 * out or is cancelled is closed before the failure is reported. Netty does not close it itself; an
 * epoll channel whose connect was refused keeps its socket and stays in epoll with EPOLLOUT armed,
 * and the level-triggered EPOLLERR|EPOLLHUP of that dead socket then wakes its event loop forever.
 */
final class BackendConnector {

  private final boolean epoll;

  BackendConnector(boolean epoll) {
    this.epoll = epoll;
  }

  /**
   * A new unconnected channel for {@code address} with the session options: no auto-read (the relay
   * reads when the other side can take the bytes), half-closure kept, the attempt's connect
   * timeout. On epoll the socket is of the address's family: Netty's default is a dual-stack IPv6
   * socket, which costs a setsockopt(IPV6_V6ONLY) per connection and reaches IPv4 servers through
   * mapped addresses.
   *
   * @throws io.netty.channel.ChannelException when no socket can be created (out of file
   *     descriptors)
   */
  Channel open(long connectTimeoutMillis, InetSocketAddress address) {
    Channel ch =
        epoll ? new EpollSocketChannel(ListenSockets.family(address)) : new NioSocketChannel();
    SocketChannelConfig config = (SocketChannelConfig) ch.config();
    config.setAutoRead(false);
    config.setAllowHalfClosure(true);
    config.setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis));
    return ch;
  }

  /**
   * Registers {@code ch} on {@code loop} and connects it. The future completes on {@code loop};
   * when it has failed, {@code ch} is closed already.
   */
  ChannelFuture connect(Channel ch, EventLoop loop, InetSocketAddress address) {
    ChannelPromise result = new DefaultChannelPromise(ch, loop);
    loop.register(ch)
        .addListener(
            (ChannelFutureListener)
                registered -> {
                  if (!registered.isSuccess()) {
                    ch.unsafe()
                        .closeForcibly(); // never registered: there is no event loop to close it
                    // through
                    result.setFailure(causeOf(registered));
                    return;
                  }
                  ch.connect(address)
                      .addListener(
                          (ChannelFutureListener)
                              done -> {
                                if (done.isSuccess()) {
                                  result.setSuccess();
                                  return;
                                }
                                ch.close();
                                result.setFailure(causeOf(done));
                              });
                });
    return result;
  }

  private static Throwable causeOf(ChannelFuture failed) {
    return failed.cause() != null ? failed.cause() : new CancellationException("cancelled");
  }
}
