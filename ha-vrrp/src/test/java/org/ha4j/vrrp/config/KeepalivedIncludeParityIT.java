package org.ha4j.vrrp.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.ha4j.core.testing.Privileges;
import org.ha4j.core.testing.netns.NetnsHost;
import org.ha4j.core.testing.netns.NetnsLan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The keepalived column of {@link KeepalivedIncludeTest}'s rows, checked against the real {@code
 * keepalived -t} in a namespace whose eth0 exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeepalivedIncludeParityIT {

  private final AtomicInteger rowNumber = new AtomicInteger();
  private NetnsLan lan;
  private NetnsHost host;

  @BeforeAll
  void namespace() throws IOException {
    Privileges.assumeRoot("keepalived -t in a namespace");
    Privileges.assumeCommand("keepalived");
    lan = NetnsLan.create();
    host = lan.addHost("ki", 12);
  }

  @AfterAll
  void close() {
    if (lan != null) {
      lan.close();
    }
  }

  static Stream<KeepalivedIncludeTest.Row> rows() {
    return KeepalivedIncludeTest.rows();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void keepalivedSaysWhatTheRowSays(KeepalivedIncludeTest.Row row) throws Exception {
    Path dir = host.file("include-row-" + rowNumber.incrementAndGet());
    Files.createDirectories(dir);
    Path main = KeepalivedIncludeTest.write(row, dir);
    KeepalivedCheckParityIT.assertKeepalivedSays(host, main, row.keepalived());
  }
}
