package org.ha4j.health.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the Linux {@code /proc} filesystem (proc(5)) under a root that tests can point at a fake
 * tree. Processes come and go while we read, so "the file vanished" is a normal answer (empty), not
 * an error.
 */
final class ProcFs {

  static final ProcFs SYSTEM = new ProcFs(Path.of("/"));

  private final Path root;

  ProcFs(Path root) {
    this.root = root;
  }

  Path proc(String relative) {
    return root.resolve("proc").resolve(relative);
  }

  Path sys(String relative) {
    return root.resolve("sys").resolve(relative);
  }

  /** The fields of {@code /proc/PID/stat} a process probe and the script reaper need. */
  record ProcStat(long pid, String comm, char state, long ppid, long pgrp, long session) {

    boolean zombie() {
      return state == 'Z' || state == 'X';
    }

    /**
     * Parses one stat line. The command name sits in parentheses and may itself contain spaces and
     * parentheses, so the fields after it are found from the last ')' (proc(5)).
     */
    static ProcStat parse(String line) {
      int open = line.indexOf('(');
      int close = line.lastIndexOf(')');
      if (open < 0 || close < open) {
        throw new IllegalArgumentException("not a /proc/PID/stat line: " + line);
      }
      long pid = Long.parseLong(line.substring(0, open).strip());
      String comm = line.substring(open + 1, close);
      String[] rest = line.substring(close + 2).split(" ");
      return new ProcStat(
          pid,
          comm,
          rest[0].charAt(0),
          Long.parseLong(rest[1]),
          Long.parseLong(rest[2]),
          Long.parseLong(rest[3]));
    }
  }

  /** The ids of every process (thread-group leaders only, as /proc lists them). */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve("proc"))) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          pids.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + root.resolve("proc"), e);
    }
    return pids;
  }

  Optional<ProcStat> stat(long pid) {
    return readSmall(proc(pid + "/stat")).map(ProcStat::parse);
  }

  /** The arguments from {@code /proc/PID/cmdline}; empty for kernel threads and zombies. */
  List<String> cmdline(long pid) {
    Optional<byte[]> bytes = readBytes(proc(pid + "/cmdline"));
    if (bytes.isEmpty() || bytes.get().length == 0) {
      return List.of();
    }
    String text = new String(bytes.get(), StandardCharsets.UTF_8);
    // Arguments are NUL-terminated; the last NUL ends the last argument rather than starting one.
    if (text.endsWith("\0")) {
      text = text.substring(0, text.length() - 1);
    }
    return List.of(text.split("\0", -1));
  }

  Optional<String> readSmall(Path file) {
    return readBytes(file).map(b -> new String(b, StandardCharsets.UTF_8).strip());
  }

  String readRequired(String relative) {
    Path file = proc(relative);
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e, e);
    }
  }

  private static Optional<byte[]> readBytes(Path file) {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // ESRCH and friends: the process exited between listing and reading.
      return Optional.empty();
    }
  }
}
