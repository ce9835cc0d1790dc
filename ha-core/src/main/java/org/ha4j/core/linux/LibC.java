package org.ha4j.core.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/**
 * glibc functions through JNA direct mapping (static natives bound once, no proxy per call). Structs are
 * passed as byte arrays laid out by {@link Structs}, so the layout is explicit and tested. Calls that
 * declare {@link LastErrorException} make JNA clear errno before the call and throw when it is set after.
 *
 * <p>The only class in ha4j that names JNA, with {@link NativeSockets}.
 */
final class LibC {

    static {
        Native.register(LibC.class, "c");
    }

    private LibC() {
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, byte[] value, int length) throws LastErrorException;

    static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    static native long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    static native long recvfrom(int fd, byte[] buffer, long length, int flags, byte[] address, int[] addressLength)
            throws LastErrorException;

    static native int poll(byte[] fds, long count, int timeoutMillis) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int if_nametoindex(String name) throws LastErrorException;

    static native String strerror(int errno);
}
