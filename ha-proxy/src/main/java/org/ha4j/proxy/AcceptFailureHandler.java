package org.ha4j.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.Errors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Handles a failed {@code accept()} on a listening socket: counts it for the listener, logs it by
 * name at a limited rate, and pauses accepting for {@link #PAUSE_MILLIS} before trying again, as
 * nginx does ({@code ngx_event_accept}: EMFILE/ENFILE disable accept events for {@code
 * accept_mutex_delay}, 500 ms). Without the pause a listener whose pending connection cannot be
 * accepted would be woken again at once; without this handler the failure would reach the end of
 * the pipeline, where Netty logs it as an unhandled exception with a stack trace. Accepting resumes
 * by itself once descriptors are free again; the clients queued meanwhile are then served.
 */
@ChannelHandler.Sharable
final class AcceptFailureHandler extends ChannelInboundHandlerAdapter {

  /** nginx's {@code accept_mutex_delay} default. */
  static final long PAUSE_MILLIS = 500;

  private static final int EMFILE = 24;
  private static final int ENFILE = 23;

  private final LongAdder failures;
  private final FaultLog faults;

  AcceptFailureHandler(LongAdder failures, FaultLog faults) {
    this.failures = failures;
    this.faults = faults;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failures.increment();
    ProxyFault fault = outOfFds(cause) ? ProxyFault.ACCEPT_OUT_OF_FDS : ProxyFault.ACCEPT_FAILED;
    faults.report(
        fault,
        "listener "
            + ctx.channel().localAddress()
            + ": "
            + FaultLog.reason(cause)
            + "; accepting again in "
            + PAUSE_MILLIS
            + " ms");
    if (ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(false);
      ctx.executor()
          .schedule(
              () -> {
                if (ctx.channel().isOpen()) {
                  ctx.channel().config().setAutoRead(true);
                }
              },
              PAUSE_MILLIS,
              TimeUnit.MILLISECONDS);
    }
  }

  /** EMFILE or ENFILE, from the epoll transport's errno or the JDK's message for it. */
  static boolean outOfFds(Throwable cause) {
    if (cause instanceof Errors.NativeIoException e) {
      int errno = Math.abs(e.expectedErr());
      return errno == EMFILE || errno == ENFILE;
    }
    String message = cause.getMessage();
    return message != null && message.contains("Too many open files");
  }
}
