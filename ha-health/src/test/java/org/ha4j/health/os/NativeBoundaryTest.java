package org.ha4j.health.os;

import static org.assertj.core.api.Assertions.assertThat;

import org.ha4j.core.testing.JnaReferences;
import org.junit.jupiter.api.Test;

/**
 * The probes make their system calls through ha-core's native layer: no class of their own names
 * JNA.
 */
class NativeBoundaryTest {

  @Test
  void noHealthClassNamesJna() {
    assertThat(JnaReferences.in(ExecProbe.class)).isEmpty();
  }
}
