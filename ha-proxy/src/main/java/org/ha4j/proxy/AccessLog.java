package org.ha4j.proxy;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ha4j.core.time.Ticker;

/**
 * Writes access log lines on a thread of its own, so an event loop never waits for a disk: the
 * event loop formats the line and offers it to a bounded queue; when the queue is full the line is
 * dropped and counted ({@link #dropped()}) rather than blocking the proxy.
 *
 * <p>A write that fails (a full disk, an I/O error) loses the lines of that batch, counted in
 * {@link #failed()} and logged as {@link ProxyFault#ACCESS_LOG_WRITE_FAILED} at a limited rate; the
 * proxy keeps serving, and later batches are tried again, so logging resumes once the disk has
 * room. A file never keeps a torn line: a batch that did not fit is cut off again.
 */
public final class AccessLog implements AutoCloseable {

  private static final String STOP = new String("stop");

  private final AccessLogFormat format;
  private final Sink sink;
  private final BlockingQueue<String> queue;
  private final Thread thread;
  private final FaultLog faults = new FaultLog(Ticker.system());
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean closed;

  /** Set by {@link #closeLater}: the writer thread closes the sink once the queue is written. */
  private volatile boolean closeWhenWritten;

  /** Where batches of lines go; a failed write leaves nothing half-written behind if it can. */
  private interface Sink {
    void write(String batch) throws IOException;

    /** Opens the destination again by its name; a writer has none and does nothing. */
    default void reopen() throws IOException {}

    void close() throws IOException;
  }

  private AccessLog(AccessLogFormat format, Sink sink, int capacity, String name) {
    this.format = Objects.requireNonNull(format, "format");
    this.sink = sink;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::drain, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Appends to {@code file} (created if missing); {@link #reopen()} opens the path again after a
   * log rotation.
   */
  public static AccessLog toFile(Path file, AccessLogFormat format) throws IOException {
    return new AccessLog(format, new FileSink(file), 65_536, "ha4j-access-log");
  }

  /**
   * A file held open for appending. Its methods are synchronized so that a {@link #reopen()} from a
   * signal handler never swaps the channel under a batch being written: a batch goes wholly to one
   * file.
   */
  private static final class FileSink implements Sink {
    private final Path path;
    private FileChannel channel;
    private boolean closed;

    FileSink(Path path) throws IOException {
      this.path = path;
      this.channel = open(path);
    }

    private static FileChannel open(Path path) throws IOException {
      return FileChannel.open(
          path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    @Override
    public synchronized void write(String batch) throws IOException {
      long end = channel.size();
      ByteBuffer bytes = ByteBuffer.wrap(batch.getBytes(StandardCharsets.UTF_8));
      try {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      } catch (IOException e) {
        try {
          channel.truncate(end); // what fit of the batch would end in a torn line
        } catch (IOException ignored) {
          // the lines are counted as lost either way
        }
        throw e;
      }
    }

    /** The new file is open before the old one closes, so a failure leaves the old one in use. */
    @Override
    public synchronized void reopen() throws IOException {
      if (closed) {
        return; // the proxy has stopped: a new file now would never be closed
      }
      FileChannel fresh = open(path);
      FileChannel old = channel;
      channel = fresh;
      old.close();
    }

    @Override
    public synchronized void close() throws IOException {
      closed = true;
      channel.close();
    }
  }

  /** Writes to any writer (tests, stdout). */
  public static AccessLog toWriter(Writer writer, AccessLogFormat format) {
    return new AccessLog(
        format,
        new Sink() {
          @Override
          public void write(String batch) throws IOException {
            writer.write(batch);
            writer.flush();
          }

          @Override
          public void close() throws IOException {
            writer.close();
          }
        },
        65_536,
        "ha4j-access-log");
  }

  public AccessLogFormat format() {
    return format;
  }

  /** Formats and enqueues; never blocks. */
  void log(AccessLogFormat.Entry entry) {
    if (closed) {
      return;
    }
    if (!queue.offer(format.format(entry))) {
      dropped.incrementAndGet();
    }
  }

  /**
   * Opens the file again at its path, as {@code nginx -s reopen} does after logrotate renamed it:
   * lines written until now stay in the renamed file, later ones go to a new file at the path. Safe
   * to call from any thread while sessions log; a log written to a {@link java.io.Writer} has
   * nothing to reopen.
   *
   * @throws IOException the path cannot be opened; the log keeps writing to the file it had
   */
  public void reopen() throws IOException {
    if (!closed) {
      sink.reopen();
    }
  }

  /** Lines dropped because the writer could not keep up. */
  public long dropped() {
    return dropped.get();
  }

  /** Lines written so far. */
  public long written() {
    return written.get();
  }

  /** Lines lost because writing them failed (a full disk, an I/O error). */
  public long failed() {
    return failed.get();
  }

  /** Failed writes (each loses a batch of lines), as {@link Proxy#faults()} counts them. */
  long writeFailures() {
    return faults.count(ProxyFault.ACCESS_LOG_WRITE_FAILED);
  }

  private void drain() {
    List<String> batch = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    try {
      while (true) {
        String first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          if (closeWhenWritten) {
            closeSink();
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch);
        boolean stop = false;
        int lines = 0;
        for (String line : batch) {
          if (line == STOP) {
            stop = true;
            continue;
          }
          text.append(line).append('\n');
          lines++;
        }
        batch.clear();
        write(text, lines);
        text.setLength(0);
        if (stop) {
          if (closeWhenWritten) {
            closeSink();
          }
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(StringBuilder text, int lines) {
    if (lines == 0) {
      return;
    }
    try {
      sink.write(text.toString());
      written.addAndGet(lines);
    } catch (IOException e) {
      failed.addAndGet(lines);
      faults.report(
          ProxyFault.ACCESS_LOG_WRITE_FAILED,
          lines + " line(s) lost: " + FaultLog.reason(e) + " (" + failed.get() + " lost in total)");
    }
  }

  /**
   * As {@link #close()} without waiting (an event loop may call it): the writer thread writes what
   * is queued, closes the sink and ends. Later lines are dropped, as after close.
   */
  void closeLater() {
    if (closed) {
      return;
    }
    closeWhenWritten = true;
    closed = true;
    queue.offer(STOP); // a full queue: the writer sees the flag once it has emptied it
  }

  private void closeSink() {
    try {
      sink.close();
    } catch (IOException e) {
      faults.report(ProxyFault.ACCESS_LOG_WRITE_FAILED, "closing: " + FaultLog.reason(e));
    }
  }

  /** Writes what is queued, then closes the writer. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.put(STOP);
      thread.join(5_000);
      sink.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      faults.report(ProxyFault.ACCESS_LOG_WRITE_FAILED, "closing: " + FaultLog.reason(e));
    }
  }
}
