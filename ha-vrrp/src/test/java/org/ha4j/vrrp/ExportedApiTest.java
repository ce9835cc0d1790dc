package org.ha4j.vrrp;

import org.ha4j.core.testing.ExportedApi;
import org.junit.jupiter.api.Test;

/**
 * What module org.ha4j.vrrp exports is what src/test/resources/exported-api.txt lists; its
 * internals stay unexported.
 */
class ExportedApiTest {

  private final ExportedApi api = ExportedApi.of(VrrpInstance.class);

  @Test
  void exportedTypesAreTheCheckedInList() throws Exception {
    api.assertMatchesCheckedInList();
  }

  @Test
  void socketsAndDriverPortsAreNoApi() {
    api.assertInternal("org.ha4j.vrrp.net", "org.ha4j.vrrp.driver");
  }
}
