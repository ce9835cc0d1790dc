/**
 * The parts every ha4j module shares: lifecycles, health signals, addresses, clocks and the
 * keepalived/nginx-style config parser. The Linux bindings ({@code org.ha4j.core.linux}) are no
 * API: only the ha4j modules that own a socket or a syscall may read them.
 */
module org.ha4j.core {
  requires org.slf4j;
  requires com.sun.jna;

  exports org.ha4j.core;
  exports org.ha4j.core.config;
  exports org.ha4j.core.health;
  exports org.ha4j.core.net;
  exports org.ha4j.core.time;

  // No "opens ... to com.sun.jna": LibC binds by direct mapping (Native.register), and JNA
  // registers
  // its native methods through JNI, which needs no reflective access (tried on the module path).
  exports org.ha4j.core.linux to
      org.ha4j.vrrp,
      org.ha4j.health,
      org.ha4j.proxy,
      org.ha4j.node;
}
