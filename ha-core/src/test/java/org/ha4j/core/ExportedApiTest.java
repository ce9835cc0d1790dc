package org.ha4j.core;

import org.ha4j.core.testing.ExportedApi;
import org.junit.jupiter.api.Test;

/**
 * What module org.ha4j.core exports is what src/test/resources/exported-api.txt lists; its
 * internals stay unexported.
 */
class ExportedApiTest {

  private final ExportedApi api = ExportedApi.of(Lifecycle.class);

  @Test
  void exportedTypesAreTheCheckedInList() throws Exception {
    api.assertMatchesCheckedInList();
  }

  @Test
  void linuxBindingsAreNoApi() {
    api.assertInternal("org.ha4j.core.linux");
  }
}
