package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The proxy's expected faults: counted every time, logged once per kind per interval; accept
 * failures pause.
 */
class FaultLogTest {

  @Test
  void aFaultKindIsLoggedAtOnceThenAtMostOncePerInterval() {
    AtomicLong now = new AtomicLong(1_000);
    FaultLog faults = new FaultLog(now::get);
    assertThat(faults.report(ProxyFault.UPSTREAM_CONNECT_FAILED, "first")).isTrue();
    for (int i = 0; i < 1_000; i++) {
      assertThat(faults.report(ProxyFault.UPSTREAM_CONNECT_FAILED, "again")).isFalse();
    }
    // another kind has its own limit
    assertThat(faults.report(ProxyFault.NO_LIVE_UPSTREAMS, "other")).isTrue();
    now.addAndGet(FaultLog.LOG_INTERVAL_NANOS - 1);
    assertThat(faults.report(ProxyFault.UPSTREAM_CONNECT_FAILED, "still within")).isFalse();
    now.addAndGet(1);
    assertThat(faults.report(ProxyFault.UPSTREAM_CONNECT_FAILED, "next interval")).isTrue();
    assertThat(faults.count(ProxyFault.UPSTREAM_CONNECT_FAILED)).isEqualTo(1_003);
    assertThat(faults.snapshot())
        .containsEntry(ProxyFault.NO_LIVE_UPSTREAMS, 1L)
        .containsEntry(ProxyFault.ACCEPT_OUT_OF_FDS, 0L);
  }

  @Test
  void theReasonIsTheMessageWithoutNettysWrapper() {
    IOException emfile = new IOException("Too many open files");
    assertThat(FaultLog.reason(new io.netty.channel.ChannelException(emfile)))
        .isEqualTo("Too many open files");
    assertThat(FaultLog.reason(null)).isEqualTo("cancelled");
    assertThat(FaultLog.reason(new IllegalStateException())).isEqualTo("IllegalStateException");
  }

  /**
   * A read asked of a socket the peer has just reset can fail inside Netty's epoll_ctl, which wraps
   * the errno unchecked; the relay treats it as the peer's reset (a named fault line), not as a bug
   * with a stack trace.
   */
  @Test
  void anErrnoNettyWrapsUncheckedIsStillAnIoFault() {
    IOException enoent = new IOException("epoll_ctl(..) failed with error(-2): No such file");
    assertThat(FaultLog.ioCause(new java.io.UncheckedIOException(enoent))).isSameAs(enoent);
    assertThat(FaultLog.ioCause(enoent)).isSameAs(enoent);
    assertThat(FaultLog.ioCause(new IllegalStateException("a bug"))).isNull();
  }

  /** Netty's errno exceptions need its native transport loaded. */
  private static void nativeTransport() {
    org.ha4j.core.testing.Privileges.assumeThat(
        io.netty.channel.epoll.Epoll.isAvailable(), "Netty's native epoll transport (Linux)");
  }

  @Test
  void aFailedAcceptIsCountedNotPassedOnAndAcceptingPausesThenResumes() {
    nativeTransport();
    LongAdder failures = new LongAdder();
    List<Throwable> reachedTheEnd = new ArrayList<>();
    EmbeddedChannel listener =
        new EmbeddedChannel(
            new AcceptFailureHandler(failures, new FaultLog(System::nanoTime)),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                reachedTheEnd.add(cause);
              }
            });
    listener.freezeTime(); // the pause is measured on the channel's clock alone
    listener.pipeline().fireExceptionCaught(Errors.newIOException("accept", -24));
    assertThat(failures.sum()).isEqualTo(1);
    assertThat(reachedTheEnd).isEmpty();
    assertThat(listener.config().isAutoRead()).as("accepting paused").isFalse();
    // a second failure while paused schedules nothing more
    listener.pipeline().fireExceptionCaught(new IOException("Too many open files"));
    assertThat(failures.sum()).isEqualTo(2);
    listener.advanceTimeBy(AcceptFailureHandler.PAUSE_MILLIS - 1, TimeUnit.MILLISECONDS);
    listener.runScheduledPendingTasks();
    assertThat(listener.config().isAutoRead()).isFalse();
    listener.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    listener.runScheduledPendingTasks();
    assertThat(listener.config().isAutoRead()).as("accepting again after the pause").isTrue();
    listener.finishAndReleaseAll();
  }

  @Test
  void outOfDescriptorsIsRecognisedFromEitherTransport() {
    nativeTransport();
    assertThat(AcceptFailureHandler.outOfFds(Errors.newIOException("accept", -24)))
        .isTrue(); // EMFILE
    assertThat(AcceptFailureHandler.outOfFds(Errors.newIOException("accept", -23)))
        .isTrue(); // ENFILE
    assertThat(AcceptFailureHandler.outOfFds(new IOException("Too many open files")))
        .isTrue(); // NIO
    assertThat(AcceptFailureHandler.outOfFds(Errors.newIOException("accept", -105)))
        .isFalse(); // ENOBUFS
    assertThat(AcceptFailureHandler.outOfFds(new IOException())).isFalse();
  }
}
