package org.ha4j.health.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ProcessControl} through libc with JNA direct mapping. Linux only. */
final class LibcProcessControl implements ProcessControl {

    private static final Logger log = LoggerFactory.getLogger(LibcProcessControl.class);

    // <sys/prctl.h>
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    // <sys/wait.h>
    private static final int WNOHANG = 1;
    // <errno.h>
    private static final int ESRCH = 3;

    private LibcProcessControl() {
    }

    static ProcessControl loadOr(ProcessControl fallback) {
        if (!Platform.isLinux()) {
            return fallback;
        }
        try {
            Native.register(LibcProcessControl.class, Platform.C_LIBRARY_NAME);
            return new LibcProcessControl();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.warn("libc process calls unavailable ({}); scripts' process trees are cleaned up without them", e);
            return fallback;
        }
    }

    private static native int kill(int pid, int sig) throws LastErrorException;

    private static native int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    private static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    @Override
    public boolean signal(long pid, int signal) {
        return kill0(Math.toIntExact(pid), signal);
    }

    @Override
    public boolean signalGroup(long pgid, int signal) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        return kill0(-Math.toIntExact(pgid), signal);
    }

    private static boolean kill0(int target, int signal) {
        try {
            return kill(target, signal) == 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() != ESRCH) {
                log.debug("kill({}, {}) failed: errno {}", target, signal, e.getErrorCode());
            }
            return false;
        }
    }

    @Override
    public boolean becomeChildSubreaper() {
        try {
            return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
        } catch (LastErrorException e) {
            log.debug("prctl(PR_SET_CHILD_SUBREAPER) failed: errno {}", e.getErrorCode());
            return false;
        }
    }

    @Override
    public boolean reap(long pid) {
        try {
            return waitpid(Math.toIntExact(pid), new int[1], WNOHANG) == pid;
        } catch (LastErrorException e) {
            return false; // ECHILD: not our child, or already reaped
        }
    }
}
