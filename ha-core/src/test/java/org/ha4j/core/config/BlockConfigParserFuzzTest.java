package org.ha4j.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ha4j.core.config.BlockConfigParser.Dialect;
import org.ha4j.core.testing.ConfigFuzzer;
import org.junit.jupiter.api.Test;

/**
 * Mutated reference files and random bytes: the parser loads them or names file:line, nothing else.
 */
class BlockConfigParserFuzzTest {

  private static final Path KEEPALIVED_CONF =
      Path.of("../reference-deployment/lb1/keepalived.conf");
  private static final Path NGINX_CONF = Path.of("../reference-deployment/nginx.conf");

  @Test
  void keepalivedDialect() throws Exception {
    ConfigFuzzer.run(
        "keepalived.conf",
        List.of(Files.readAllBytes(KEEPALIVED_CONF)),
        8_000,
        2_000,
        1L,
        (name, text) -> BlockConfigParser.parse(name, text, Dialect.KEEPALIVED));
  }

  @Test
  void nginxDialect() throws Exception {
    ConfigFuzzer.run(
        "nginx.conf",
        List.of(Files.readAllBytes(NGINX_CONF)),
        8_000,
        2_000,
        2L,
        (name, text) -> BlockConfigParser.parse(name, text, Dialect.NGINX));
  }
}
