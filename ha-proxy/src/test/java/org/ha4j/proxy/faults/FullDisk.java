package org.ha4j.proxy.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.ha4j.core.testing.Privileges;

/**
 * A tiny tmpfs that this JVM can fill, mounted in a private mount namespace so that the machine's
 * own mount table never sees it: {@code unshare --mount} runs a holder process that mounts the
 * tmpfs over an empty directory and sleeps; this JVM reaches the mount through {@code
 * /proc/PID/root}, which resolves paths in that process's mount namespace. Closing kills the holder
 * by its PID; the namespace and its mount go with it.
 */
final class FullDisk implements AutoCloseable {

  private final Path mountPoint;
  private final Process holder;

  private FullDisk(Path mountPoint, Process holder) {
    this.mountPoint = mountPoint;
    this.holder = holder;
  }

  static FullDisk mount(int sizeKiB) throws IOException {
    Privileges.assumeRoot("mounting a tmpfs in a mount namespace");
    Privileges.assumeCommand("unshare");
    Path dir = Files.createTempDirectory("ha4j-full-disk");
    Process p =
        new ProcessBuilder(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                "mount -t tmpfs -o size="
                    + sizeKiB
                    + "k ha4j-full-disk '"
                    + dir
                    + "' && echo mounted && exec sleep 600")
            .redirectErrorStream(true)
            .start();
    FullDisk disk = new FullDisk(dir, p);
    String line =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    if (!"mounted".equals(line)) {
      disk.close();
      throw new AssertionError("tmpfs in a private mount namespace not mounted: " + line);
    }
    return disk;
  }

  /** {@code name} on the tmpfs, as this JVM reaches it. */
  Path file(String name) {
    return Path.of("/proc", Long.toString(holder.pid()), "root")
        .resolve(mountPoint.toString().substring(1))
        .resolve(name);
  }

  /** Writes zeros to {@code name} until the tmpfs is full. */
  void fill(String name) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(file(name))) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains("No space left on device")) {
        throw e;
      }
    }
  }

  @Override
  public void close() throws IOException {
    holder.destroy();
    try {
      if (!holder.waitFor(10, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
        holder.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(mountPoint);
  }
}
