package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.ha4j.core.time.VirtualScheduler;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * nginx's {@code proxy_timeout} in virtual time: measured from the last byte, ended as 200, never
 * left armed.
 */
class IdleTimerTest {

  final VirtualScheduler time = new VirtualScheduler();
  final IdleTimer timer =
      new IdleTimer(
          time, (session, delayNanos, check) -> time.schedule(Duration.ofNanos(delayNanos), check));
  final Drain drain = new Drain();
  final ListenerRuntime listener =
      new ListenerRuntime(
          new Proxy.Listener(
              new InetSocketAddress("127.0.0.1", 1),
              new Upstream(
                  "u", BalancingStrategies.roundRobin(), List.of(ServerSpec.parse("127.0.0.1:2"))),
              511,
              false),
          ListenerSettings.nginxDefaults().build());
  final SessionAccounting accounting =
      new SessionAccounting(new Admission(drain, null), drain, time, new FaultLog(time));
  final AtomicLong ids = new AtomicLong();
  final Client client = new Client();

  /** A client channel with socket addresses, as a session needs. */
  static final class Client extends EmbeddedChannel {
    @Override
    public SocketAddress remoteAddress() {
      return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public SocketAddress localAddress() {
      return new InetSocketAddress("127.0.0.1", 1);
    }
  }

  Session session() {
    Session s = new Session(ids.incrementAndGet(), listener, client, time, accounting);
    listener.active.incrementAndGet();
    drain.enter(s);
    return s;
  }

  @AfterEach
  void closeClient() {
    client.finishAndReleaseAll();
  }

  @Test
  void endsTheSessionOnlyAfterTheTimeoutWithoutAByte() {
    Session s = session();
    timer.start(s, Duration.ofSeconds(10));
    time.advanceBy(Duration.ofSeconds(6));
    s.activity();
    time.advanceBy(Duration.ofSeconds(4)); // 10 s since the start, 4 s since the last byte
    assertThat(s.isFinished()).isFalse();
    assertThat(time.pendingTasks()).as("re-armed for the 6 s left").isEqualTo(1);
    time.advanceBy(Duration.ofMillis(5_999));
    assertThat(s.isFinished()).isFalse();
    time.advanceBy(Duration.ofMillis(1));
    assertThat(s.isFinished()).isTrue();
    assertThat(listener.stats().byStatus200()).as("nginx logs an idle timeout as 200").isEqualTo(1);
    assertThat(listener.stats().active()).isZero();
    assertThat(drain.size()).isZero();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void aSessionEndedOtherwiseLeavesNoTimerBehind() {
    Session s = session();
    timer.start(s, Duration.ofMinutes(10));
    s.finish(SessionStatus.BAD_GATEWAY);
    assertThat(time.pendingTasks()).isZero();
    assertThat(listener.stats().badGateway()).isEqualTo(1);
  }

  @Test
  void aZeroTimeoutArmsNothing() {
    Session s = session();
    timer.start(s, Duration.ZERO);
    time.advanceBy(Duration.ofDays(1));
    assertThat(s.isFinished()).isFalse();
    assertThat(time.pendingTasks()).isZero();
  }
}
