package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.ha4j.core.testing.JnaReferences;
import org.junit.jupiter.api.Test;

/**
 * JNA stays in this package; ha-proxy's and ha-health's own NativeBoundaryTest check that they have
 * none.
 */
class NativeBoundaryTest {

  @Test
  void onlyTheNativeLayerNamesJna() {
    assertThat(JnaReferences.in(LibC.class))
        .isNotEmpty()
        .allSatisfy(path -> assertThat(path).startsWith("org/ha4j/core/linux/"));
    assertThat(JnaReferences.in(LibC.class)).contains("org/ha4j/core/linux/LibC.class");
  }
}
