package org.ha4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NotifyScriptsTest {

  @Test
  void specificScriptRunsWithItsOwnArgumentsThenTheGenericOneWithFourMore() {
    NotifyScripts scripts =
        NotifyScripts.none().withMaster("/etc/ha/master.sh now").withNotify("/etc/ha/notify.sh");
    assertThat(scripts.commandsFor("MASTER", "VI_1", 100))
        .containsExactly(
            List.of("/etc/ha/master.sh", "now"),
            List.of("/etc/ha/notify.sh", "INSTANCE", "VI_1", "MASTER", "100"));
    assertThat(scripts.commandsFor("BACKUP", "VI_1", 90))
        .containsExactly(List.of("/etc/ha/notify.sh", "INSTANCE", "VI_1", "BACKUP", "90"));
  }

  @Test
  void noScriptsByDefault() {
    assertThat(NotifyScripts.none().isEmpty()).isTrue();
    assertThat(NotifyScripts.none().commandsFor("FAULT", "VI_1", 0)).isEmpty();
    assertThat(NotifyScripts.none().withStop("/bin/true").commandsFor("STOP", "VI_1", 0))
        .containsExactly(List.of("/bin/true"));
  }
}
