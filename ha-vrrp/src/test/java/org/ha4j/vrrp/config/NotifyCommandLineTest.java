package org.ha4j.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.ha4j.core.config.ConfigException;
import org.ha4j.core.config.ConfigProblem;
import org.ha4j.vrrp.NotifyScripts;
import org.junit.jupiter.api.Test;

/**
 * {@code notify_*} lines are split into words as {@code vrrp_script}'s {@code script} is: quotes
 * honoured.
 */
class NotifyCommandLineTest {

  private static String instance(String notifyLine) {
    return """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    virtual_ipaddress {
                        10.200.0.100/24
                    }
                    %s
                }
                """
        .formatted(notifyLine);
  }

  @Test
  void aQuotedArgumentStaysOneWordAsInAVrrpScript() throws ConfigException {
    NotifyScripts scripts =
        KeepalivedConfigLoader.load(
                "k.conf", instance("notify_master \"/etc/ha/say.sh 'became master' now\""))
            .instances()
            .get(0)
            .notifyScripts();
    assertThat(scripts.commandsFor("MASTER", "VI_1", 100))
        .containsExactly(List.of("/etc/ha/say.sh", "became master", "now"));
  }

  @Test
  void anUnterminatedQuoteIsAnErrorAtItsLineNotAFailureAtTheTransition() {
    assertThatThrownBy(
            () -> KeepalivedConfigLoader.load("k.conf", instance("notify_backup \"/bin/x 'oops\"")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ConfigProblem::toString)
                    .containsExactly(
                        "k.conf:8: error: 'notify_backup' unterminated ' at position 7 in: /bin/x 'oops"));
  }

  @Test
  void theRecordRefusesWhatCannotBeSplit() {
    assertThatThrownBy(() -> NotifyScripts.none().withFault("/bin/x \"open"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unterminated \"");
    assertThat(NotifyScripts.none().withNotify("/bin/log \"a b\"").commandsFor("STOP", "VI_1", 0))
        .containsExactly(List.of("/bin/log", "a b", "INSTANCE", "VI_1", "STOP", "0"));
  }
}
