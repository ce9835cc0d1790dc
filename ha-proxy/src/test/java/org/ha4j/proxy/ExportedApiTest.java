package org.ha4j.proxy;

import org.ha4j.core.testing.ExportedApi;
import org.junit.jupiter.api.Test;

/**
 * What module org.ha4j.proxy exports is what src/test/resources/exported-api.txt lists; its
 * internals stay unexported.
 */
class ExportedApiTest {

  private final ExportedApi api = ExportedApi.of(Proxy.class);

  @Test
  void exportedTypesAreTheCheckedInList() throws Exception {
    api.assertMatchesCheckedInList();
  }

  @Test
  void spliceRelayIsNoApi() {
    api.assertInternal("org.ha4j.proxy.splice");
  }
}
