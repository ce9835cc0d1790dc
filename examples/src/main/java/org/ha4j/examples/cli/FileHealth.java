package org.ha4j.examples.cli;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.ha4j.core.health.Health;
import org.ha4j.core.health.HealthSignal;

/**
 * keepalived's {@code track_file} as a health source: the file holds an integer; 0 (or no file) is
 * UP, anything else is DOWN. Watched with the platform's file notifications (inotify on Linux), so
 * a change is heard at once, as keepalived hears it.
 */
final class FileHealth extends HealthSignal implements AutoCloseable {

  private final Path file;

  /**
   * Built once: the DOWN branch first runs at the fault itself, so it links no new concatenation
   * call site then.
   */
  private final String downPrefix;

  private final WatchService watcher;
  private final Thread thread;

  FileHealth(Path file) throws IOException {
    super("track_file:" + file.getFileName(), Health.up());
    this.file = file.toAbsolutePath();
    this.downPrefix = this.file + " holds ";
    this.watcher = FileSystems.getDefault().newWatchService();
    this.file
        .getParent()
        .register(
            watcher,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
    read();
    this.thread = new Thread(this::watch, "ha4j-track-file");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void watch() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        key.pollEvents();
        read();
        if (!key.reset()) {
          return;
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed: stop watching
    }
  }

  private void read() {
    String text;
    try {
      text = Files.exists(file) ? Files.readString(file).trim() : "0";
    } catch (IOException e) {
      return; // being rewritten: the next event reads it again
    }
    if (text.isEmpty() || text.equals("0")) {
      set(Health.up());
    } else {
      set(Health.down(downPrefix.concat(text)));
    }
  }

  @Override
  public void close() throws IOException {
    watcher.close();
  }
}
