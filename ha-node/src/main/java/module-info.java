/**
 * The assembly: keepalived.conf + nginx.conf, or parts built in code, to a validated node of VRRP
 * instances, a proxy and health checks with one stop order. Everything else is internal to the
 * package.
 */
module org.ha4j.node {
  requires transitive org.ha4j.core;
  requires transitive org.ha4j.vrrp;
  requires transitive org.ha4j.health;
  requires transitive org.ha4j.proxy;
  requires org.slf4j;

  exports org.ha4j.node;
}
