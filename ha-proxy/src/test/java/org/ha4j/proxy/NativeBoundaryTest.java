package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.ha4j.core.testing.JnaReferences;
import org.junit.jupiter.api.Test;

/**
 * The proxy makes its system calls through ha-core's native layer: no class of its own names JNA.
 */
class NativeBoundaryTest {

  @Test
  void noProxyClassNamesJna() {
    assertThat(JnaReferences.in(Proxy.class)).isEmpty();
  }
}
