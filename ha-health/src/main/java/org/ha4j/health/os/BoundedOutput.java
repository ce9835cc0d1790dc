package org.ha4j.health.os;

import java.nio.charset.StandardCharsets;

/**
 * Keeps the first {@code limit} bytes a script writes and counts the rest, so a chatty script costs
 * no memory.
 */
final class BoundedOutput {

  private final byte[] kept;
  private int length;
  private long total;

  BoundedOutput(int limit) {
    this.kept = new byte[limit];
  }

  synchronized void append(byte[] buffer, int count) {
    int room = Math.min(count, kept.length - length);
    System.arraycopy(buffer, 0, kept, length, room);
    length += room;
    total += count;
  }

  /** The kept output as text, with a note of how much was dropped. */
  synchronized String text() {
    String text = new String(kept, 0, length, StandardCharsets.UTF_8);
    return total > length ? text + "... (" + (total - length) + " more bytes)" : text;
  }

  synchronized long totalBytes() {
    return total;
  }
}
