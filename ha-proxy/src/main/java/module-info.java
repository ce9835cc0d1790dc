/**
 * The TCP proxy: {@code org.ha4j.proxy} is the instance API, {@code balance} the balancing
 * strategies and the SPI to write one, {@code nginx} the nginx stream config loader. The splice
 * relay ({@code splice}) stays inside.
 */
module org.ha4j.proxy {
  requires transitive org.ha4j.core;
  requires org.slf4j;
  requires io.netty.buffer;
  requires io.netty.codec.haproxy;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires io.netty.transport.unix.common;

  exports org.ha4j.proxy;
  exports org.ha4j.proxy.balance;
  exports org.ha4j.proxy.nginx;
}
