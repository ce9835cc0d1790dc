package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoTest {

  @Test
  void permissionDeniedNamesTheCapability() {
    NativeCallException e =
        Errno.exception(
            "socket(AF_INET, SOCK_RAW, 112)",
            Errno.EPERM,
            "Operation not permitted",
            Capability.CAP_NET_RAW);
    assertThat(e).isInstanceOf(MissingPrivilegeException.class);
    assertThat(((MissingPrivilegeException) e).capability()).isEqualTo(Capability.CAP_NET_RAW);
    assertThat(e.getMessage())
        .contains(
            "socket(AF_INET, SOCK_RAW, 112)", "errno 1", "Operation not permitted", "CAP_NET_RAW");
  }

  @Test
  void accessDeniedIsAlsoAMissingPrivilege() {
    NativeCallException e =
        Errno.exception("RTM_NEWADDR", Errno.EACCES, "Permission denied", Capability.CAP_NET_ADMIN);
    assertThat(e).isInstanceOf(MissingPrivilegeException.class);
    assertThat(e.getMessage()).contains("CAP_NET_ADMIN");
  }

  @Test
  void otherErrorsNameTheCallAndErrno() {
    NativeCallException e =
        Errno.exception(
            "setsockopt(SO_BINDTODEVICE=eth9)",
            Errno.ENODEV,
            "No such device",
            Capability.CAP_NET_RAW);
    assertThat(e).isNotInstanceOf(MissingPrivilegeException.class);
    assertThat(e.errno()).isEqualTo(Errno.ENODEV);
    assertThat(e.call()).isEqualTo("setsockopt(SO_BINDTODEVICE=eth9)");
    assertThat(e.getMessage())
        .isEqualTo("setsockopt(SO_BINDTODEVICE=eth9) failed: errno 19 (No such device)");
  }

  @Test
  void aRefusalWithoutAKnownCapabilityStaysPlain() {
    assertThat(Errno.exception("bind", Errno.EPERM, "Operation not permitted", null))
        .isNotInstanceOf(MissingPrivilegeException.class);
  }
}
