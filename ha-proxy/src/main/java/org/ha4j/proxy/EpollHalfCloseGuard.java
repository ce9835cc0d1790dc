package org.ha4j.proxy;

import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.Native;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * Works around a Netty 4.2.18 epoll registration bug that loses queued writes on half-closed channels.
 *
 * <p>The bug (read from the 4.2.18 bytecode of {@code EpollIoHandler$DefaultEpollIoRegistration.submit}): when a
 * channel's interest set becomes empty while its registration is {@code Added}, Netty calls
 * {@code epoll_ctl(DEL)} but leaves the state {@code Added}; the next non-empty interest set is then applied
 * with {@code epoll_ctl(MOD)} on a descriptor epoll no longer knows, which fails with ENOENT, and Netty shuts the
 * channel's output and fails its queued writes. A relay meets it right after a half-close: the peer's FIN
 * clears EPOLLIN (input shut) and EPOLLRDHUP (handled); if EPOLLOUT is not set at that instant the set is empty
 * and the descriptor leaves epoll. Later the other direction fills this socket's send buffer, Netty asks for
 * EPOLLOUT, and the tail of the stream is lost.
 *
 * <p>The fix keeps the set from ever becoming empty once the input has ended: it adds {@code EPOLLET}, a mode
 * bit that asks for no event at all, so the set {EPOLLET} is "nothing to report" rather than "none". Netty's
 * {@code setFlag} is protected (reached once per half-close through a method handle); the only interest left on
 * such a channel is EPOLLOUT, which Netty sets only after a write met EAGAIN, and an edge-triggered EPOLLOUT is
 * exactly right for that (the next edge comes when the send buffer drains). If a later Netty renames the
 * method, {@link #available()} is false and the proxy runs the copy relay on NIO, as before.
 */
final class EpollHalfCloseGuard {

    private static final MethodHandle SET_FLAG = lookupSetFlag();

    private EpollHalfCloseGuard() {
    }

    private static MethodHandle lookupSetFlag() {
        try {
            // declared by the package-private AbstractEpollChannel, the parent of every epoll socket channel
            Method m = AbstractEpollStreamChannel.class.getSuperclass().getDeclaredMethod("setFlag", int.class);
            m.setAccessible(true);
            return MethodHandles.lookup().unreflect(m)
                    .asType(MethodType.methodType(void.class, AbstractEpollStreamChannel.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Whether the guard can be applied (Netty's epoll classes as expected). */
    static boolean available() {
        return SET_FLAG != null;
    }

    /**
     * Called on the channel's event loop when its input has ended (ChannelInputShutdownEvent), before Netty
     * clears EPOLLRDHUP: from then on the channel's interest set always holds EPOLLET.
     */
    static void inputEnded(Channel channel) {
        if (SET_FLAG == null || !(channel instanceof AbstractEpollStreamChannel) || !channel.isRegistered()) {
            return;
        }
        try {
            SET_FLAG.invokeExact((AbstractEpollStreamChannel) channel, Native.EPOLLET);
        } catch (Throwable e) {
            // epoll_ctl refused (the socket is already dead): Netty closes it on its next event either way
            Proxy.log.debug("{}: keeping the half-closed channel in epoll failed: {}", channel, e.toString());
        }
    }
}
