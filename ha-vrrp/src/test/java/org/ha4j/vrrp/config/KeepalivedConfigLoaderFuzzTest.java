package org.ha4j.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ha4j.core.testing.ConfigFuzzer;
import org.junit.jupiter.api.Test;

/**
 * Mutated keepalived.conf files (the reference deployment's two, and one using every keyword the
 * loader implements, so mutations reach every value parser) and random bytes: the loader loads them
 * or throws a ConfigException naming file:line, never another exception, never a hang.
 */
class KeepalivedConfigLoaderFuzzTest {

  @Test
  void mutatedFilesLoadOrNameTheirLine() throws Exception {
    List<byte[]> seeds =
        List.of(
            Files.readAllBytes(Path.of("../reference-deployment/lb1/keepalived.conf")),
            Files.readAllBytes(Path.of("../reference-deployment/lb2/keepalived.conf")),
            seed("fuzz-seed-every-keyword.conf"));

    int loaded =
        ConfigFuzzer.run(
            "keepalived.conf", seeds, 12_000, 3_000, 11L, KeepalivedConfigLoader::load);

    // Some mutants must still load, or the fuzzing only ever exercised the rejection paths.
    assertThat(loaded).isGreaterThan(100);
  }

  private static byte[] seed(String name) throws Exception {
    try (var in = KeepalivedConfigLoaderFuzzTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
