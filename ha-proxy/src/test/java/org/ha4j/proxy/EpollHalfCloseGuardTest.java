package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.testing.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Netty defect {@link EpollHalfCloseGuard} works around, reproduced on loopback, and the Netty
 * member the guard needs. Both tests fail when Netty's internals change: the first when the member
 * the guard calls is gone (the copy and auto relays would then run on NIO), the second when Netty
 * no longer loses writes on a half-closed channel (the guard can then go).
 */
@Timeout(60)
class EpollHalfCloseGuardTest {

  /**
   * More than loopback's send buffer plus a 64 KiB receive buffer hold, so the write meets EAGAIN.
   */
  private static final int RESPONSE = 32 << 20;

  private EventLoopGroup group;
  private Channel server;

  @BeforeEach
  void epoll() {
    Privileges.assumeThat(
        Epoll.isAvailable(), "Netty's epoll transport needs Linux: " + Epoll.unavailabilityCause());
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().sync();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void theGuardReachesNettysProtectedSetFlag() throws Exception {
    Method setFlag =
        Class.forName("io.netty.channel.epoll.AbstractEpollChannel")
            .getDeclaredMethod("setFlag", int.class);
    assertThat(Modifier.isProtected(setFlag.getModifiers())).as(setFlag.toString()).isTrue();
    assertThat(setFlag.getReturnType()).isEqualTo(void.class);
    assertThat(EpollHalfCloseGuard.unavailableReason()).isEmpty();
    assertThat(EpollHalfCloseGuard.available()).isTrue();
  }

  @Test
  void withoutTheGuardNettyLosesTheTailOfAWriteAfterTheInputEnded() throws Exception {
    Outcome outcome = halfCloseThenRespond(false);
    assertThat(outcome.writeFailed)
        .as(
            "Netty no longer loses queued writes on a half-closed epoll channel (EPOLL_CTL_DEL then MOD:"
                + " ENOENT); EpollHalfCloseGuard may be unnecessary with this Netty")
        .isTrue();
    assertThat(outcome.received).isLessThan(RESPONSE);
  }

  @Test
  void withTheGuardTheWholeResponseArrives() throws Exception {
    Outcome outcome = halfCloseThenRespond(true);
    assertThat(outcome.writeFailed).as(String.valueOf(outcome.cause)).isFalse();
    assertThat(outcome.received).isEqualTo(RESPONSE);
  }

  private record Outcome(boolean writeFailed, Throwable cause, long received) {}

  /**
   * A client connects and half-closes at once; once the server's channel (auto-read off,
   * half-closure allowed, so nothing but EPOLLRDHUP is of interest) has seen the input end, it
   * writes more than the socket buffers hold while the client does not read yet, then closes. The
   * client then reads to the end.
   */
  private Outcome halfCloseThenRespond(boolean guarded) throws Exception {
    CompletableFuture<Channel> inputEnded = new CompletableFuture<>();
    server =
        new ServerBootstrap()
            .group(group)
            .channel(EpollServerSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof ChannelInputShutdownEvent) {
                      if (guarded) {
                        EpollHalfCloseGuard.inputEnded(ctx.channel());
                      }
                      inputEnded.complete(ctx.channel());
                    }
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    try (Socket client = new Socket()) {
      client.setReceiveBufferSize(64 << 10);
      client.connect(server.localAddress(), 5_000);
      client.setSoTimeout(30_000);
      client.shutdownOutput();
      Channel accepted = inputEnded.get(10, TimeUnit.SECONDS);
      // runs on the event loop after the FIN's handling, i.e. after Netty cleared EPOLLRDHUP
      ChannelFuture written = accepted.writeAndFlush(Unpooled.wrappedBuffer(new byte[RESPONSE]));
      written.addListener(f -> accepted.close());
      long received = 0;
      byte[] buffer = new byte[64 << 10];
      InputStream in = client.getInputStream();
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          received += n;
        }
      } catch (SocketException reset) {
        // a reset ends the stream too; what counts is how much arrived before it
      }
      written.await(10, TimeUnit.SECONDS);
      assertThat(written.isDone()).as("the write ended").isTrue();
      accepted.closeFuture().await(10, TimeUnit.SECONDS);
      assertThat(accepted.isOpen()).as("the server's channel closed").isFalse();
      return new Outcome(!written.isSuccess(), written.cause(), received);
    }
  }
}
