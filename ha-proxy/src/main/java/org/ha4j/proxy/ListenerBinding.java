package org.ha4j.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.concurrent.TimeUnit;

/**
 * Binds a listener's sockets on the proxy's event-loop group, each handing its accepted connections
 * to the listener's {@link AcceptHandler}, and closes them again.
 */
final class ListenerBinding {

  private final EventLoopGroup group;
  private final boolean epoll;
  private final FaultLog faults;

  ListenerBinding(EventLoopGroup group, boolean epoll, FaultLog faults) {
    this.group = group;
    this.epoll = epoll;
    this.faults = faults;
  }

  /**
   * Binds {@code listener}; on failure the sockets bound so far stay in its list for {@link
   * #close}.
   */
  void bind(ListenerRuntime listener, ChannelHandler accept) throws Exception {
    InetSocketAddress bindTo = listener.spec.address();
    if (epoll) {
      // One listening socket per event loop (SO_REUSEPORT, the kernel spreads connections by hash,
      // as
      // nginx's "reuseport" and HAProxy's per-thread listeners do): a connection is accepted,
      // relayed and
      // connected upstream on one thread, with no hand-over between loops.
      if (!listener.spec.reusePort()) {
        bindTo = ListenSockets.claimExclusively(bindTo);
      }
      for (EventExecutor e : group) {
        EventLoop loop = (EventLoop) e;
        ServerBootstrap sb =
            bootstrap(listener, accept)
                .group(loop, loop)
                .option(EpollChannelOption.SO_REUSEPORT, true);
        Channel bound = sb.bind(bindTo).sync().channel();
        listener.channels.add(bound);
        bindTo =
            (InetSocketAddress) bound.localAddress(); // port 0: the others share the first one's
      }
    } else {
      ServerBootstrap sb = bootstrap(listener, accept).group(group);
      if (listener.spec.reusePort()) {
        // nginx's listen ... reuseport, through the JDK's own option (Linux, JDK 9+)
        sb.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
      }
      listener.channels.add(sb.bind(bindTo).sync().channel());
    }
  }

  /**
   * Stops accepting on every socket of {@code listener}: on return, a connection to it is refused.
   */
  static void close(ListenerRuntime listener) {
    for (Channel c : listener.channels) {
      if (!c.close().awaitUninterruptibly(Proxy.IO_THREADS_END_BOUND.toMillis())) {
        // its event loop is stuck in a task: the socket closes when the loop runs again
        Proxy.log.error(
            "PROXY_STOP_INCOMPLETE: listener {} not closed within {} s: its I/O thread is busy",
            c.localAddress(),
            Proxy.IO_THREADS_END_BOUND.toSeconds());
        continue;
      }
      if (c instanceof ListenSockets.NioListener nio) {
        awaitReleased(nio);
      }
    }
  }

  /**
   * Lets the event loop's selector drop the closed socket's key, which is when the JDK closes it in
   * the kernel: each task queued to the loop wakes its selector, which drops cancelled keys and
   * closes their sockets before running tasks.
   */
  private static void awaitReleased(ListenSockets.NioListener channel) {
    EventLoop loop = channel.eventLoop();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    boolean released;
    do {
      if (loop.isShuttingDown()) {
        return;
      }
      released = channel.released();
      // one more pass after the key is gone: the socket closes in the select that dropped it
      loop.submit(() -> {}).awaitUninterruptibly(1, TimeUnit.SECONDS);
    } while (!released && System.nanoTime() - deadline < 0);
  }

  private ServerBootstrap bootstrap(ListenerRuntime listener, ChannelHandler accept) {
    return ListenSockets.forAddress(new ServerBootstrap(), listener.spec.address(), epoll)
        .handler(new AcceptFailureHandler(listener.acceptFailures, faults))
        .option(ChannelOption.SO_BACKLOG, listener.spec.backlog())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        // TCP_NODELAY is Netty's default for socket channels: not set again
        // a listen ... proxy_protocol connection gets its header handlers from the accept handler
        .childHandler(accept);
  }
}
