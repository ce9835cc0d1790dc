package org.ha4j.core.linux;

import java.util.Locale;
import java.util.Optional;

/**
 * The CPU architectures whose struct layouts the native layer knows. Only {@code struct
 * epoll_event} differs between them; every other struct ha4j passes ({@code sockaddr_in}, {@code
 * sockaddr_ll}, {@code sockaddr_nl}, {@code sockaddr_un}, {@code ip_mreqn}, {@code pollfd}, {@code
 * timespec}, the netlink headers) is built from fixed-width fields at their natural alignment, so
 * it is the same on both ({@code StructsTest}), and the constants of {@link LinuxConstants} are the
 * asm-generic values both use. On an architecture not listed here, whatever needs epoll is
 * unavailable.
 */
public enum Architecture {

  /**
   * x86-64: glibc's {@code <sys/epoll.h>} and the kernel's {@code <linux/eventpoll.h>} declare
   * {@code struct epoll_event} packed ({@code __EPOLL_PACKED}) on x86-64 only, so the 64-bit data
   * follows the 32-bit events at offset 4 and the struct has 12 bytes.
   */
  X86_64("x86-64", new EpollEventLayout(12, 0, 4)),

  /**
   * aarch64: {@code struct epoll_event} at natural alignment, the 64-bit data at offset 8, 16
   * bytes.
   */
  AARCH64("aarch64", new EpollEventLayout(16, 0, 8));

  private final String displayName;
  private final EpollEventLayout epollEvent;

  Architecture(String displayName, EpollEventLayout epollEvent) {
    this.displayName = displayName;
    this.epollEvent = epollEvent;
  }

  /**
   * The architecture a JVM names in its {@code os.arch} property.
   *
   * @return empty for an architecture whose layouts ha4j does not know
   */
  public static Optional<Architecture> named(String osArch) {
    return switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64", "x86-64" -> Optional.of(X86_64);
      case "aarch64", "arm64" -> Optional.of(AARCH64);
      default -> Optional.empty();
    };
  }

  /** The architecture this JVM runs on, if ha4j knows it. */
  public static Optional<Architecture> current() {
    return named(System.getProperty("os.arch", ""));
  }

  /** The architectures ha4j knows, for messages: {@code x86-64, aarch64}. */
  public static String knownNames() {
    StringBuilder names = new StringBuilder();
    for (Architecture a : values()) {
      names.append(names.length() == 0 ? "" : ", ").append(a.displayName);
    }
    return names.toString();
  }

  EpollEventLayout epollEvent() {
    return epollEvent;
  }

  @Override
  public String toString() {
    return displayName;
  }
}
