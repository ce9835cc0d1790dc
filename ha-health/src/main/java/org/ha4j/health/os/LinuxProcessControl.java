package org.ha4j.health.os;

import java.util.Optional;
import org.ha4j.core.linux.LinuxNative;
import org.ha4j.core.linux.LinuxProcesses;
import org.ha4j.core.linux.NativeCallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ProcessControl} on ha-core's native layer ({@link LinuxProcesses}). Linux only. */
final class LinuxProcessControl implements ProcessControl {

  private static final Logger log = LoggerFactory.getLogger(LinuxProcessControl.class);

  private LinuxProcessControl() {}

  static ProcessControl loadOr(ProcessControl fallback) {
    Optional<String> unavailable = LinuxNative.unavailableReason();
    if (unavailable.isPresent()) {
      log.warn(
          "process calls unavailable ({}); scripts' process trees are cleaned up without them",
          unavailable.get());
      return fallback;
    }
    return new LinuxProcessControl();
  }

  @Override
  public boolean signal(long pid, int signal) {
    try {
      return LinuxProcesses.signal(pid, signal);
    } catch (NativeCallException e) {
      log.debug("{}", e.getMessage());
      return false;
    }
  }

  @Override
  public boolean signalGroup(long pgid, int signal) {
    try {
      return LinuxProcesses.signalGroup(pgid, signal);
    } catch (NativeCallException e) {
      log.debug("{}", e.getMessage());
      return false;
    }
  }

  @Override
  public boolean becomeChildSubreaper() {
    try {
      LinuxProcesses.becomeChildSubreaper();
      return true;
    } catch (NativeCallException e) {
      log.debug("{}", e.getMessage());
      return false;
    }
  }

  @Override
  public boolean reap(long pid) {
    try {
      return LinuxProcesses.reap(pid);
    } catch (NativeCallException e) {
      log.debug("{}", e.getMessage());
      return false;
    }
  }
}
