package org.ha4j.core.linux;

/**
 * A call was refused (EPERM or EACCES) because the process lacks a capability; the message says
 * which one, so an operator knows what to grant (e.g. {@code setcap cap_net_raw,cap_net_admin+ep},
 * or Docker's {@code --cap-add NET_RAW --cap-add NET_ADMIN}).
 */
public final class MissingPrivilegeException extends NativeCallException {

  private static final long serialVersionUID = 1L;

  private final Capability capability;

  MissingPrivilegeException(String call, int errno, String description, Capability capability) {
    super(
        call,
        errno,
        description,
        ": needs " + capability + " (run as root or grant " + capability + ")");
    this.capability = capability;
  }

  /** The capability the call needs. */
  public Capability capability() {
    return capability;
  }
}
