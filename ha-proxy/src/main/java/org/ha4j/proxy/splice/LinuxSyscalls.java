package org.ha4j.proxy.splice;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The few libc calls the splice engine needs, bound by JNA direct mapping (no proxy objects, no per-call
 * reflection). Every call returns -1 on failure with errno readable through {@link #errno()}; nothing here
 * throws, so the hot path never builds an exception for EAGAIN. Constants are grouped by the header that
 * defines them (x86-64 / generic Linux values).
 */
final class LinuxSyscalls {

    // <fcntl.h>
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_SETPIPE_SZ = 1031;
    static final int F_GETPIPE_SZ = 1032;

    // <fcntl.h> splice flags
    static final int SPLICE_F_MOVE = 1;
    static final int SPLICE_F_NONBLOCK = 2;

    // <sys/epoll.h>
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;
    static final int EPOLLET = 1 << 31;
    /** {@code struct epoll_event} is packed on x86-64: u32 events, u64 data. */
    static final int EPOLL_EVENT_SIZE = 12;

    // <sys/socket.h>
    static final int SHUT_WR = 1;

    // <errno.h>
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EPIPE = 32;
    static final int ECONNRESET = 104;

    private static final boolean LOADED;

    static {
        boolean ok;
        try {
            Native.register(LinuxSyscalls.class, NativeLibrary.getInstance("c"));
            ok = true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            ok = false;
        }
        LOADED = ok;
    }

    private LinuxSyscalls() {
    }

    static boolean loaded() {
        return LOADED;
    }

    static int errno() {
        return Native.getLastError();
    }

    static native int pipe2(int[] fds, int flags);

    static native long splice(int fdIn, Pointer offIn, int fdOut, Pointer offOut, long len, int flags);

    static native int fcntl(int fd, int cmd, int arg);

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

    static native int eventfd(int initval, int flags);

    static native long read(int fd, Pointer buf, long count);

    static native long write(int fd, Pointer buf, long count);

    static native int close(int fd);

    static native int shutdown(int fd, int how);
}
