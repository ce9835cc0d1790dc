package org.ha4j.core.health;

/** The two states every health signal reduces to, as in keepalived's script results. */
public enum HealthStatus {
  UP,
  DOWN
}
