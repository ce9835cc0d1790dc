/**
 * Health probes (TCP, HTTP, exec, process, system resources), their scheduling with rise/fall
 * counting, and keepalived's track_script/vrrp_script.
 */
module org.ha4j.health {
  requires transitive org.ha4j.core;
  requires org.slf4j;
  requires java.net.http;

  exports org.ha4j.health;
  exports org.ha4j.health.net;
  exports org.ha4j.health.os;
  exports org.ha4j.health.track;
}
