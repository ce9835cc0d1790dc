package org.ha4j.node;

import org.ha4j.core.testing.ExportedApi;
import org.junit.jupiter.api.Test;

/**
 * org.ha4j.node exports one package; the types it offers are the ones in
 * src/test/resources/exported-api.txt.
 */
class ExportedApiTest {

  private final ExportedApi api = ExportedApi.of(HaNode.class);

  @Test
  void exportedTypesAreTheCheckedInList() throws Exception {
    api.assertMatchesCheckedInList();
  }
}
