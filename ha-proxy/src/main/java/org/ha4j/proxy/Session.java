package org.ha4j.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.time.Ticker;
import org.ha4j.proxy.balance.Attempt;

/**
 * One client connection and everything it leads to: the server attempts, the relay, the counters that end up
 * in the access log. Created by {@link AcceptHandler}, admitted by {@link Admission}, connected by
 * {@link UpstreamConnector}, relayed by a {@link Relay} and accounted by {@link SessionAccounting}.
 */
final class Session {

    /** One connection attempt, for {@code $upstream_*} variables. */
    static final class AttemptRecord {
        final String address;
        long connectMillis = -1;
        volatile long bytesSent;
        volatile long bytesReceived;

        AttemptRecord(String address) {
            this.address = address;
        }
    }

    final long id;
    final ListenerRuntime listener;
    final Channel client;
    final InetSocketAddress remote;
    final InetSocketAddress local;
    final long startNanos;
    final long startMillis;
    final List<AttemptRecord> attempts = new ArrayList<>(2);

    Attempt attempt;
    /** The relay's handler for client events, once the relay has started (the client pipeline never changes). */
    io.netty.channel.ChannelInboundHandler clientRelay;
    Upstream.Backend backend;
    volatile Channel backendChannel;
    boolean connected;
    long connectStartNanos;

    /** Bytes received from the client ({@code $bytes_received}) and sent to it ({@code $bytes_sent}). */
    volatile long bytesFromClient;
    volatile long bytesToClient;
    volatile long lastActivityNanos;
    /** The pending idle check; cancelled when the session ends so timers never pile up in the event loop. */
    volatile java.util.concurrent.Future<?> idleTimer;
    /** Bytes read from one side and not yet taken by the other (user-space buffers or pipes). */
    final java.util.concurrent.atomic.AtomicLong buffered = new java.util.concurrent.atomic.AtomicLong();

    /** Bytes the client sent before the relay started (Netty reads them when it sees the client's FIN). */
    private List<io.netty.buffer.ByteBuf> earlyData;
    /** The client half-closed before the relay started. */
    boolean clientEofBeforeRelay;

    private final Ticker ticker;
    private final SessionAccounting accounting;
    private final AtomicBoolean finished = new AtomicBoolean();
    /** How the relay closes the connections; by default through Netty. */
    volatile Runnable closer = this::closeChannels;

    Session(long id, ListenerRuntime listener, Channel client, Ticker ticker, SessionAccounting accounting) {
        long now = ticker.nanoTime();
        this.id = id;
        this.ticker = ticker;
        this.accounting = accounting;
        this.listener = listener;
        this.client = client;
        this.remote = (InetSocketAddress) client.remoteAddress();
        this.local = (InetSocketAddress) client.localAddress();
        this.startNanos = now;
        this.startMillis = System.currentTimeMillis();
        this.lastActivityNanos = now;
    }

    void activity() {
        lastActivityNanos = ticker.nanoTime();
    }

    /** The client's address as nginx's {@code $remote_addr} writes it: {@code 10.0.0.1}, {@code ::1}. */
    String remoteAddr() {
        return IpAddress.of(remote.getAddress()).toString();
    }

    /** The address the client connected to, as nginx's {@code $server_addr} writes it. */
    String serverAddr() {
        return IpAddress.of(local.getAddress()).toString();
    }

    AttemptRecord currentAttempt() {
        return attempts.get(attempts.size() - 1);
    }

    void countFromClient(long n) {
        bytesFromClient += n;
        currentAttempt().bytesSent += n;
        backend.bytesSent.add(n);
        listener.bytesReceived.add(n);
    }

    void countToClient(long n) {
        bytesToClient += n;
        currentAttempt().bytesReceived += n;
        backend.bytesReceived.add(n);
        listener.bytesSent.add(n);
    }

    void addEarlyData(io.netty.buffer.ByteBuf data) {
        if (earlyData == null) {
            earlyData = new ArrayList<>(2);
        }
        earlyData.add(data);
    }

    /** Hands the early bytes to the relay (which then owns them). */
    List<io.netty.buffer.ByteBuf> takeEarlyData() {
        List<io.netty.buffer.ByteBuf> data = earlyData == null ? List.of() : earlyData;
        earlyData = null;
        return data;
    }

    boolean hasEarlyData() {
        return earlyData != null;
    }

    void releaseEarlyData() {
        for (io.netty.buffer.ByteBuf b : takeEarlyData()) {
            b.release();
        }
    }

    boolean isFinished() {
        return finished.get();
    }

    /** Ends the session once: closes connections, returns the server slot, counts, logs. Any thread. */
    void finish(int status) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            closer.run();
        } finally {
            accounting.finished(this, status);
        }
    }

    /** Closes both sides; a reset ({@code rst}) makes the kernel send RST instead of FIN. */
    void closeChannels() {
        client.close();
        Channel b = backendChannel;
        if (b != null) {
            b.close();
        }
    }

    static void resetAndClose(Channel channel) {
        if (channel == null || !channel.isOpen()) {
            return;
        }
        try {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
            // an already half-dead socket may refuse options; closing still happens below
        }
        channel.close();
    }

    @Override
    public String toString() {
        return "session#" + id + " " + remote;
    }
}
