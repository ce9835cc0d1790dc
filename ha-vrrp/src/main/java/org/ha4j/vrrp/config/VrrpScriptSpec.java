package org.ha4j.vrrp.config;

import java.time.Duration;
import java.util.Objects;
import org.ha4j.core.config.ConfigLocation;

/**
 * A keepalived {@code vrrp_script} block: a command polled at an interval whose exit status is a
 * health signal. Defaults are keepalived's (keepalived.conf(5)): interval 1 s, timeout = interval,
 * weight 0 (which means FAULT while failing), rise 1, fall 1.
 *
 * @param name the block's name, referred to by {@code track_script}
 * @param command the command line as written; split into words as keepalived.conf(5) says (quotes
 *     keep spaces)
 * @param interval time between runs
 * @param timeout how long a run may take before it is killed and counted as failed
 * @param weight -253..253; the priority change while up (positive) or down (negative); 0 = FAULT
 *     when down
 * @param rise consecutive successes to become up
 * @param fall consecutive failures to become down
 * @param location where the block starts
 */
public record VrrpScriptSpec(
    String name,
    String command,
    Duration interval,
    Duration timeout,
    int weight,
    int rise,
    int fall,
    ConfigLocation location) {

  public VrrpScriptSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(location, "location");
  }
}
