package org.ha4j.proxy;

import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.Native;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;

/**
 * Keeps a half-closed epoll channel registered with epoll, so writes queued on it after the peer's
 * FIN are not lost.
 *
 * <p><b>The Netty defect</b> (4.2.18.Final, {@code
 * EpollIoHandler.DefaultEpollIoRegistration.submit(IoOps)}): when a channel's interest set becomes
 * empty ({@code EpollIoOps.NONE}) while its registration state is {@code Added}, Netty calls {@code
 * epoll_ctl(EPOLL_CTL_DEL)} but leaves the state {@code Added}. The next non-empty set is then
 * applied with {@code epoll_ctl(EPOLL_CTL_MOD)}, which fails with ENOENT for a descriptor epoll no
 * longer holds; the write path's {@code setFlag(EPOLLOUT)} throws, and Netty shuts the channel's
 * output and fails its queued writes. A relay meets it right after a half-close: the peer's FIN
 * ends the input, so EPOLLIN is cleared, and Netty clears EPOLLRDHUP once it has handled it; if
 * EPOLLOUT is not set at that moment the set is empty and the descriptor leaves epoll. When the
 * other direction later fills this socket's send buffer, Netty asks for EPOLLOUT, and the tail of
 * the stream is lost. {@code EpollHalfCloseGuardTest} reproduces the defect and fails once a Netty
 * release no longer has it.
 *
 * <p><b>The workaround</b> keeps the set from becoming empty once the input has ended: it adds
 * {@code EPOLLET}, a mode bit that asks for no event, so the set {EPOLLET} means "nothing to
 * report" rather than "none". The only interest left on such a channel is EPOLLOUT, which Netty
 * sets only after a write met EAGAIN, and edge-triggered EPOLLOUT is exactly right for that: the
 * next edge comes when the send buffer drains.
 *
 * <p><b>Why reflection.</b> The only way to add a bit to a channel's interest set is {@code
 * protected void io.netty.channel.epoll.AbstractEpollChannel.setFlag(int)}: {@code
 * EpollSocketChannel} and {@code EpollServerSocketChannel} are final, so no subclass can call it,
 * and the public route, {@code EpollChannelConfig.setEpollMode}, is a no-op since Netty 4.2. The
 * method is looked up once, by its exact declaring class, name and signature; {@code
 * EpollHalfCloseGuardTest} pins that member, and if it is gone {@link #unavailableReason()} names
 * what is missing, a warning says so when this class loads, and the proxy runs the copy relay on
 * NIO.
 */
final class EpollHalfCloseGuard {

  static final String DECLARING_CLASS = "io.netty.channel.epoll.AbstractEpollChannel";
  static final String METHOD = "setFlag";

  private static final MethodHandle SET_FLAG;
  private static final String UNAVAILABLE;

  static {
    MethodHandle handle = null;
    String problem = null;
    try {
      handle = lookupSetFlag();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      problem =
          "Netty's protected " + DECLARING_CLASS + "." + METHOD + "(int) is not reachable: " + e;
    }
    SET_FLAG = handle;
    UNAVAILABLE = problem;
    if (problem != null) {
      Proxy.log.warn(
          "{}; half-closed epoll channels would lose queued writes, so the copy and auto relays"
              + " run on NIO",
          problem);
    }
  }

  private EpollHalfCloseGuard() {}

  private static MethodHandle lookupSetFlag() throws ReflectiveOperationException {
    Class<?> declaring =
        Class.forName(DECLARING_CLASS, false, AbstractEpollStreamChannel.class.getClassLoader());
    Method m = declaring.getDeclaredMethod(METHOD, int.class);
    if (!Modifier.isProtected(m.getModifiers())
        || Modifier.isStatic(m.getModifiers())
        || m.getReturnType() != void.class) {
      throw new NoSuchMethodException(
          "expected 'protected void " + METHOD + "(int)', found '" + m + "'");
    }
    m.setAccessible(true);
    return MethodHandles.lookup()
        .unreflect(m)
        .asType(MethodType.methodType(void.class, AbstractEpollStreamChannel.class, int.class));
  }

  /** Whether the guard can be applied (Netty's epoll classes as expected). */
  static boolean available() {
    return SET_FLAG != null;
  }

  /** What is missing in Netty for the guard, or empty if it can be applied. */
  static Optional<String> unavailableReason() {
    return Optional.ofNullable(UNAVAILABLE);
  }

  /**
   * Called on the channel's event loop when its input has ended (ChannelInputShutdownEvent), which
   * Netty fires before it clears EPOLLRDHUP: from then on the channel's interest set always holds
   * EPOLLET.
   */
  static void inputEnded(Channel channel) {
    if (SET_FLAG == null
        || !(channel instanceof AbstractEpollStreamChannel)
        || !channel.isRegistered()) {
      return;
    }
    try {
      SET_FLAG.invokeExact((AbstractEpollStreamChannel) channel, Native.EPOLLET);
    } catch (Throwable e) {
      // epoll_ctl refused (the socket is already dead): Netty closes it on its next event either
      // way
      Proxy.log.debug(
          "{}: keeping the half-closed channel in epoll failed: {}", channel, e.toString());
    }
  }
}
