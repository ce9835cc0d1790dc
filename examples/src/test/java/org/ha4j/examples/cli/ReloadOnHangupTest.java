package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigLocation;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.node.SystemdNotifier;
import org.junit.jupiter.api.Test;

/** What a HUP prints; the processes that receive one are in {@code faults.signals}. */
class ReloadOnHangupTest {

  private final List<String> out = new CopyOnWriteArrayList<>();
  private final List<String> err = new CopyOnWriteArrayList<>();

  private ReloadOnHangup reload(java.util.concurrent.Callable<String> body) {
    return new ReloadOnHangup(body, SystemdNotifier.disabled(), out::add, err::add);
  }

  @Test
  void anAppliedReloadIsOneReloadedLineOnStdout() {
    assertThat(reload(() -> "VI_1 reconfigured (priority 100->110)").get()).isEqualTo("done");
    assertThat(out).containsExactly("RELOADED VI_1 reconfigured (priority 100->110)");
    assertThat(err).isEmpty();
  }

  @Test
  void aRefusedFileIsEveryErrorWithFileAndLineThenReloadFailedOnStderr() {
    ConfigException refused =
        new ConfigException(
            List.of(
                new ConfigProblem(
                    ConfigProblem.Severity.ERROR,
                    new ConfigLocation("/etc/ha4j/keepalived.conf", 12),
                    "priority",
                    "must be 1-255, got 300"),
                new ConfigProblem(
                    ConfigProblem.Severity.ERROR,
                    new ConfigLocation("/etc/ha4j/nginx.conf", 4),
                    "proxy_pass",
                    "unknown upstream 'app'")));
    assertThat(
            reload(
                    () -> {
                      throw refused;
                    })
                .get())
        .isEqualTo("failed: kept the running configuration");
    assertThat(out).isEmpty();
    assertThat(err).hasSize(3);
    assertThat(err.get(0)).contains("/etc/ha4j/keepalived.conf:12").contains("priority");
    assertThat(err.get(1)).contains("/etc/ha4j/nginx.conf:4").contains("proxy_pass");
    assertThat(err.get(2)).isEqualTo("RELOAD FAILED: kept the running configuration");
  }

  @Test
  void aListenerThatCannotBindIsAFailedReloadToo() {
    assertThat(
            reload(
                    () -> {
                      throw new IOException("bind(10.200.0.100:8081) failed: address in use");
                    })
                .get())
        .startsWith("failed: ");
    assertThat(err)
        .containsExactly("RELOAD FAILED: bind(10.200.0.100:8081) failed: address in use");
  }
}
