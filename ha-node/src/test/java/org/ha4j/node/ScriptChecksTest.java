package org.ha4j.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.ha4j.core.config.ConfigLocation;
import org.ha4j.health.ScheduledProbe;
import org.ha4j.vrrp.config.VrrpScriptSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node's vrrp_scripts as the probes its metrics and status read: only while they run. */
@Timeout(60)
class ScriptChecksTest {

  @Test
  void theRunningScriptsAreTheProbesUntilStop() {
    ScriptChecks scripts = new ScriptChecks();
    assertThat(scripts.probes()).isEmpty();
    scripts.start();
    try {
      scripts.run(
          new VrrpScriptSpec(
              "chk_true",
              "/bin/true",
              Duration.ofMillis(100),
              Duration.ofSeconds(5),
              0,
              1,
              1,
              new ConfigLocation("keepalived.conf", 3)));
      assertThat(scripts.probes()).extracting(ScheduledProbe::name).containsExactly("chk_true");
      ScheduledProbe probe = scripts.probes().get(0);
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.stats().successes() >= 1);
    } finally {
      scripts.stop();
    }
    assertThat(scripts.probes()).isEmpty();
  }
}
