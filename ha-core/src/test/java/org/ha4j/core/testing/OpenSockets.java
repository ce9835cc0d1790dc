package org.ha4j.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sockets this JVM holds, by inode ({@code socket:[N]} in {@code /proc/self/fd}). A test that
 * must show that the sockets it caused are closed compares these sets: a count of all descriptors
 * also moves when the test harness opens its own channel or a jar.
 */
public final class OpenSockets {

  private OpenSockets() {}

  /** The {@code socket:[inode]} targets of this process's descriptors. */
  public static Set<String> now() {
    Set<String> sockets = new TreeSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:")) {
            sockets.add(target);
          }
        } catch (NoSuchFileException e) {
          // the directory stream's own descriptor, closed by the time it is read
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sockets;
  }

  /** The sockets in {@code now()} that were not in {@code before}. */
  public static Set<String> openedSince(Set<String> before) {
    Set<String> opened = now();
    opened.removeAll(before);
    return opened;
  }

  /**
   * {@link #openedSince}, less AF_UNIX stream sockets: ha4j opens none, while the JVM running the
   * tests opens one now and then on its own (seen on the first read of {@code /proc/net/unix}).
   */
  public static Set<String> leakedSince(Set<String> before) {
    Set<String> opened = openedSince(before);
    if (opened.isEmpty()) {
      return opened;
    }
    Set<String> unixStreams = new TreeSet<>();
    try {
      // /proc/net/unix: Num RefCount Protocol Flags Type St Inode Path; Type 0001 = SOCK_STREAM
      for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length >= 7 && fields[4].equals("0001")) {
          unixStreams.add("socket:[" + fields[6] + "]");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    opened.removeAll(unixStreams);
    return opened;
  }
}
