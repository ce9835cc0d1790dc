package org.ha4j.health;

import org.ha4j.core.testing.ExportedApi;
import org.junit.jupiter.api.Test;

/**
 * Every package of org.ha4j.health is a probe API, so nothing is internal at package level; the
 * types it exports are the ones listed in src/test/resources/exported-api.txt.
 */
class ExportedApiTest {

  private final ExportedApi api = ExportedApi.of(Probes.class);

  @Test
  void exportedTypesAreTheCheckedInList() throws Exception {
    api.assertMatchesCheckedInList();
  }
}
