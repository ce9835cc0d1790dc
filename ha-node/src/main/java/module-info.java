/**
 * The assembly: keepalived.conf + nginx.conf, or parts built in code, to a validated node of VRRP
 * instances, a proxy and health checks with one stop order. Everything else is internal to the
 * package.
 */
// Micrometer ships as an automatic module; its types are in the metrics package's API, hence
// transitive.
@SuppressWarnings("requires-transitive-automatic")
module org.ha4j.node {
  requires transitive org.ha4j.core;
  requires transitive org.ha4j.vrrp;
  requires transitive org.ha4j.health;
  requires transitive org.ha4j.proxy;
  requires org.slf4j;
  requires io.netty.buffer;
  requires static transitive micrometer.core;

  exports org.ha4j.node;
  exports org.ha4j.node.metrics;
}
