package org.ha4j.examples.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The probe table of {@code ./ha4j status}: one row per probe, failures of every reason summed. */
class StatusTableTest {

  @Test
  void probesAreATableWithStatusResultsMeanLatencyAndCause() {
    // as NodeState writes it (NodeStateTest pins that side)
    String json =
        "{\"at\":\"2026-12-06T06:00:00Z\",\"instances\":[],\"proxy\":null,\"probes\":["
            + "{\"name\":\"check_nginx\",\"status\":\"DOWN\",\"cause\":\"exit status 1\","
            + "\"successes\":3,\"failures\":{\"FAILED\":2,\"TIMEOUT\":1,\"STILL_RUNNING\":0,"
            + "\"PROBE_ERROR\":0},\"latencyMeanMs\":1.500},"
            + "{\"name\":\"chk_disk\",\"status\":\"UP\",\"cause\":\"\",\"successes\":12,"
            + "\"failures\":{},\"latencyMeanMs\":null}]}";
    assertThat(StatusTable.render(json))
        .containsSubsequence(
            "PROBE        STATUS  OK  FAILED  MEAN MS  CAUSE",
            "check_nginx  DOWN    3   3       1.5      exit status 1",
            "chk_disk     UP      12  0       -");
  }
}
