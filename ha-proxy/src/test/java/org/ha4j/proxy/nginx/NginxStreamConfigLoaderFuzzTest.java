package org.ha4j.proxy.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ha4j.core.testing.ConfigFuzzer;
import org.junit.jupiter.api.Test;

/**
 * Mutated nginx.conf files (the reference deployment's, and one using every stream directive the
 * loader implements, so mutations reach every value parser) and random bytes: the loader loads them
 * or throws a ConfigException naming file:line, never another exception, never a hang.
 */
class NginxStreamConfigLoaderFuzzTest {

  @Test
  void mutatedFilesLoadOrNameTheirLine() throws Exception {
    List<byte[]> seeds =
        List.of(
            Files.readAllBytes(Path.of("../reference-deployment/nginx.conf")),
            seed("fuzz-seed-every-directive.conf"));

    int loaded =
        ConfigFuzzer.run("nginx.conf", seeds, 12_000, 3_000, 21L, NginxStreamConfigLoader::load);

    // Some mutants must still load, or the fuzzing only ever exercised the rejection paths.
    assertThat(loaded).isGreaterThan(100);
  }

  private static byte[] seed(String name) throws Exception {
    try (var in = NginxStreamConfigLoaderFuzzTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
