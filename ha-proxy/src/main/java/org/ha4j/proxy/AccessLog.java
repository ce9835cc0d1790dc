package org.ha4j.proxy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes access log lines on a thread of its own, so an event loop never waits for a disk: the event loop
 * formats the line and offers it to a bounded queue; when the queue is full the line is dropped and counted
 * ({@link #dropped()}) rather than blocking the proxy.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
    private static final String STOP = new String("stop");

    private final AccessLogFormat format;
    private final Writer writer;
    private final BlockingQueue<String> queue;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean closed;

    private AccessLog(AccessLogFormat format, Writer writer, int capacity, String name) {
        this.format = Objects.requireNonNull(format, "format");
        this.writer = writer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::drain, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Appends to {@code file} (created if missing). */
    public static AccessLog toFile(Path file, AccessLogFormat format) throws IOException {
        Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE), 64 * 1024);
        return new AccessLog(format, w, 65_536, "ha4j-access-log");
    }

    /** Writes to any writer (tests, stdout). */
    public static AccessLog toWriter(Writer writer, AccessLogFormat format) {
        return new AccessLog(format, writer, 65_536, "ha4j-access-log");
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

    /** Lines dropped because the writer could not keep up. */
    public long dropped() {
        return dropped.get();
    }

    /** Lines written so far. */
    public long written() {
        return written.get();
    }

    private void drain() {
        List<String> batch = new ArrayList<>();
        try {
            while (true) {
                String first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                boolean stop = false;
                for (String line : batch) {
                    if (line == STOP) {
                        stop = true;
                        continue;
                    }
                    writer.write(line);
                    writer.write('\n');
                    written.incrementAndGet();
                }
                batch.clear();
                writer.flush();
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.error("access log writer failed; further lines are dropped", e);
            closed = true;
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
            writer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("closing access log failed", e);
        }
    }
}
