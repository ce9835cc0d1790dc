package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

  private static final String PID = ProcessHandle.current().pid() + "\n";

  @Test
  void aSymlinkAtThePathIsReplacedNeverFollowed(@TempDir Path dir) throws Exception {
    Path victim = dir.resolve("shadow");
    Files.writeString(victim, "root:x:0:0\n");
    Path pidfile = dir.resolve("ha4j.pid");
    Files.createSymbolicLink(pidfile, victim);

    try (PidFile written = PidFile.write(pidfile)) {
      assertThat(written.path()).isEqualTo(pidfile.toAbsolutePath());
      assertThat(Files.isSymbolicLink(pidfile)).isFalse();
      assertThat(Files.readString(pidfile)).isEqualTo(PID);
      assertThat(Files.readString(victim)).isEqualTo("root:x:0:0\n");
    }
    assertThat(pidfile).doesNotExist();
    assertThat(Files.readString(victim)).isEqualTo("root:x:0:0\n");
    try (var left = Files.list(dir)) {
      assertThat(left).containsExactly(victim); // no temporary file left either
    }
  }

  @Test
  void closeLeavesAFileThatAnotherProcessHasSinceWritten(@TempDir Path dir) throws Exception {
    Path pidfile = dir.resolve("ha4j.pid");
    PidFile written = PidFile.write(pidfile);
    Files.writeString(pidfile, "99999999\n");
    written.close();
    assertThat(Files.readString(pidfile)).isEqualTo("99999999\n");
  }

  @Test
  void anExistingFileIsReplacedWhole(@TempDir Path dir) throws Exception {
    Path pidfile = dir.resolve("ha4j.pid");
    Files.writeString(pidfile, "123456789012345678901234567890\n");
    try (PidFile written = PidFile.write(pidfile)) {
      assertThat(Files.readString(written.path())).isEqualTo(PID);
    }
    assertThat(pidfile).doesNotExist();
  }
}
