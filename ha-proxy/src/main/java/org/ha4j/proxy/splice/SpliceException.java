package org.ha4j.proxy.splice;

import java.io.IOException;

/** A failed system call of the splice engine, naming the call and its errno. */
public final class SpliceException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errno;

    SpliceException(String syscall, int errno) {
        super(syscall + "() failed: errno " + errno);
        this.syscall = syscall;
        this.errno = errno;
    }

    public String syscall() {
        return syscall;
    }

    public int errno() {
        return errno;
    }
}
