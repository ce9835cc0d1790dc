package org.ha4j.vrrp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.ha4j.core.health.HealthSource;
import org.ha4j.core.linux.InterfaceAddress;
import org.ha4j.core.linux.LinkInfo;
import org.ha4j.core.linux.LinkMonitor;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.PacketSocket;
import org.ha4j.core.linux.RouteNetlink;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.core.time.Scheduler;
import org.ha4j.core.time.SystemScheduler;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpDecoder;
import org.ha4j.vrrp.codec.VrrpEncoder;
import org.ha4j.vrrp.net.GratuitousArp;
import org.ha4j.vrrp.net.LinkWatcher;
import org.ha4j.vrrp.net.TransportConfig;
import org.ha4j.vrrp.net.TransportRejection;
import org.ha4j.vrrp.net.VirtualAddress;
import org.ha4j.vrrp.net.VirtualAddressManager;
import org.ha4j.vrrp.net.VrrpTransport;
import org.ha4j.vrrp.protocol.VrrpAction;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpSnapshot;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.ha4j.vrrp.protocol.VrrpTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The imperative shell around {@link VrrpStateMachine}: owns the sockets, the addresses, the timers and
 * the threads, and performs the actions the state machine returns, in order.
 *
 * <p>Threads: the protocol thread (a {@link SystemScheduler}) is the only one that touches the state
 * machine, the VIPs and the timers, and the one listeners are called on. The receiver thread decodes
 * packets and queues valid ones to it; the link watcher and health sources queue their changes to it too.
 */
final class DefaultVrrpInstance implements VrrpInstance {

    private static final Logger log = LoggerFactory.getLogger(DefaultVrrpInstance.class);
    private static final int RECEIVE_POLL_MILLIS = 200;
    private static final long STOP_TIMEOUT_SECONDS = 10;

    private final String name;
    private final String interfaceName;
    private final VrrpRouterConfig.Builder protocolBuilder;
    private final List<VirtualAddress> virtualAddresses;
    private final Ipv4Address unicastSource;
    private final List<Ipv4Address> unicastPeers;
    private final Map<HealthSource, Integer> tracked;
    private final List<VrrpListener> listeners;
    private final NotifyScripts notifyScripts;
    private final int basePriority;

    private final AtomicLong advertsSent = new AtomicLong();
    private final AtomicLong advertsReceived = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final Map<VrrpTimer, Scheduler.Timer> timers = new EnumMap<>(VrrpTimer.class);
    private final List<HealthSource.Subscription> subscriptions = new ArrayList<>();

    private DropCounter drops;
    private SystemScheduler scheduler;
    private RouteNetlink netlink;
    private VrrpTransport transport;
    private PacketSocket packetSocket;
    private LinkWatcher linkWatcher;
    private VirtualAddressManager addresses;
    private GratuitousArp gratuitousArp;
    private VrrpStateMachine machine;
    private TransportConfig transportConfig;
    private ReceiveExpectations expectations;
    private NotifyRunner notifyRunner;
    private Thread receiver;
    private volatile boolean receiving;
    private volatile VrrpSnapshot protocolSnapshot;
    private volatile Ipv4Address sourceAddress;
    private boolean started;
    private boolean stopped;
    private long lastSendFailureLog = Long.MIN_VALUE / 2;
    /**
     * The graceful stop's work, linked when the instance is built: stop() runs on a signal (SIGTERM), when the
     * backup's Skew_Time only starts once our priority-0 advert is out, so it should not link a lambda first.
     */
    private final Runnable resign = () -> handle(VrrpInput.shutdown());

    DefaultVrrpInstance(VrrpInstance.Builder builder) {
        this.name = builder.name;
        this.interfaceName = builder.interfaceName;
        this.protocolBuilder = builder.protocol;
        this.virtualAddresses = List.copyOf(builder.virtualAddresses);
        this.unicastSource = builder.unicastSource;
        this.unicastPeers = List.copyOf(builder.unicastPeers);
        this.tracked = new java.util.LinkedHashMap<>(builder.tracked);
        this.listeners = List.copyOf(builder.listeners);
        this.notifyScripts = builder.notifyScripts;
        this.basePriority = builder.priority;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("VRRP instance " + name + " was already started");
        }
        started = true;
        try {
            open();
        } catch (IOException | RuntimeException e) {
            release();
            stopped = true;
            throw e;
        }
    }

    private void open() throws IOException {
        netlink = LinuxNetwork.openRouteNetlink();
        LinkInfo link = netlink.link(interfaceName)
                .orElseThrow(() -> new IOException("(" + name + ") no interface named " + interfaceName));
        addresses = new VirtualAddressManager(netlink, interfaceName, link.index(), virtualAddresses);
        List<InterfaceAddress> present = addresses.findHostOwned();
        Ipv4Address source = unicastSource;
        if (source == null) {
            source = VirtualAddressManager.primaryAddress(present).orElseThrow(() -> new IOException(
                    "(" + name + ") interface " + interfaceName + " has no IPv4 address to send advertisements from"));
        }
        sourceAddress = source;
        VrrpRouterConfig config = protocolBuilder.primaryAddress(source).build();
        config.warnings().forEach(warning -> log.warn("({}) {}", name, warning));
        transportConfig = new TransportConfig(interfaceName, link.index(), source, unicastPeers);
        transport = VrrpTransport.open(transportConfig);
        packetSocket = LinuxNetwork.openPacket();
        gratuitousArp = new GratuitousArp(packetSocket, link.index(), link.hardwareAddress());
        LinkMonitor monitor = LinuxNetwork.openLinkMonitor();
        expectations = expectations(config);
        warmUp(config, link.hardwareAddress());
        machine = VrrpStateMachine.create(config);
        protocolSnapshot = machine.snapshot();
        scheduler = new SystemScheduler("ha4j-vrrp-" + name);
        drops = new DropCounter(name, scheduler);
        notifyRunner = new NotifyRunner(name);

        boolean up = link.isUp();
        onProtocolThread(() -> {
            handle(VrrpInput.start());
            if (!up) {
                handle(VrrpInput.interfaceUp(false));
            }
            for (HealthSource source1 : tracked.keySet()) {
                if (!source1.current().isUp()) {
                    handle(VrrpInput.health(source1.name(), source1.current().status()));
                }
            }
        });
        for (HealthSource healthSource : tracked.keySet()) {
            subscriptions.add(healthSource.subscribe((changed, previous, current) ->
                    scheduler.execute(() -> handle(VrrpInput.health(changed.name(), current.status())))));
        }
        linkWatcher = new LinkWatcher(monitor, interfaceName, link.index(), up,
                nowUp -> scheduler.execute(() -> handle(VrrpInput.interfaceUp(nowUp))));
        linkWatcher.start();
        receiving = true;
        receiver = new Thread(this::receiveLoop, "ha4j-vrrp-rx-" + name);
        receiver.setDaemon(true);
        receiver.start();
        log.info("({}) started on {} from {} ({}), VRID {}, priority {}", name, interfaceName, source,
                transportConfig.isUnicast() ? "unicast to " + unicastPeers : "multicast", config.virtualRouterId(),
                config.priority());
    }

    /**
     * Runs the takeover's code once before it is needed: encode and decode, the advert send (with
     * MSG_PROBE: nothing on the wire), the netlink add and the GARP send (both refused by the kernel for
     * interface index 0: nothing changes). A backup's JVM has run none of it; cold, its first takeover paid
     * 10 to 30 ms of class loading and call-site linking (failover-bench.sh, instrumented), about 1 ms warm.
     */
    private void warmUp(VrrpRouterConfig config, byte[] mac) {
        org.ha4j.vrrp.codec.VrrpAdvertisement advert = config.advertisement(config.priority() == 255 ? 255 : 1);
        byte[] packet = VrrpEncoder.encodePacket(advert, config.primaryAddress(), VrrpTransport.VRRP_GROUP, 0);
        VrrpDecoder.decode(packet, expectations);
        try {
            transport.rehearseSend(VrrpEncoder.encodeMessage(advert));
        } catch (IOException e) {
            log.debug("({}) the send rehearsal failed (harmless): {}", name, e.getMessage());
        }
        if (mac.length == 6) {
            for (Ipv4Cidr vip : config.virtualAddresses()) {
                GratuitousArp.frame(mac, vip.address());
            }
        }
        rehearse(config);
        if (!addresses.rehearseAdd()) {
            log.debug("({}) the netlink rehearsal got an unexpected answer (harmless)", name);
        }
        String.valueOf(addresses.addresses()); // the "added VIPs" line formats these: a record's toString links once
        if (!config.virtualAddresses().isEmpty() && !gratuitousArp.rehearse(config.virtualAddresses().get(0).address())) {
            log.debug("({}) the gratuitous ARP rehearsal got an unexpected answer (harmless)", name);
        }
    }

    /**
     * Drives a throw-away copy of the state machine through a takeover, a fault, a priority-0 advert and a
     * shutdown, discarding its actions: pure code, no I/O, so the real transitions later run warm.
     */
    private static void rehearse(VrrpRouterConfig config) {
        VrrpStateMachine rehearsal = VrrpStateMachine.create(config);
        long now = 0;
        List<VrrpAction> actions = rehearsal.handle(now, VrrpInput.start());
        for (int round = 0; round < 3; round++) {
            VrrpAction.ArmTimer next = null;
            for (VrrpAction action : actions) {
                if (action instanceof VrrpAction.ArmTimer arm && (next == null || arm.delay().compareTo(next.delay()) < 0)) {
                    next = arm;
                }
            }
            if (next == null) {
                break;
            }
            now += next.delay().toNanos();
            actions = rehearsal.handle(now, next.expiry());
        }
        Ipv4Address peer = Ipv4Address.ofBits(config.primaryAddress().bits() ^ 1);
        rehearsal.handle(++now, VrrpInput.advertisement(peer, config.advertisement(0)));
        for (org.ha4j.vrrp.protocol.TrackedInput input : config.trackedInputs()) {
            rehearsal.handle(++now, VrrpInput.health(input.name(), org.ha4j.core.health.HealthStatus.DOWN));
            rehearsal.handle(++now, VrrpInput.health(input.name(), org.ha4j.core.health.HealthStatus.UP));
        }
        rehearsal.handle(++now, VrrpInput.interfaceUp(false));
        rehearsal.handle(++now, VrrpInput.interfaceUp(true));
        rehearsal.handle(++now, VrrpInput.shutdown());
    }

    private ReceiveExpectations expectations(VrrpRouterConfig config) {
        return ReceiveExpectations.builder()
                .virtualRouterId(config.virtualRouterId())
                .localAddressOwner(config.isAddressOwner())
                .authentication(config.authentication())
                .advertIntervalSeconds(config.advertIntervalSeconds())
                .addresses(config.virtualAddresses().stream().map(Ipv4Cidr::address).toList())
                .requireTtl255(!transportConfig.isUnicast())
                .build();
    }

    /** Runs {@code work} on the protocol thread and waits for it. */
    private void onProtocolThread(Runnable work) throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                work.run();
                done.complete(null);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("(" + name + ") interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("(" + name + ") " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("(" + name + ") protocol thread did not answer within " + STOP_TIMEOUT_SECONDS + " s", e);
        }
    }

    private void receiveLoop() {
        while (receiving) {
            byte[] packet;
            try {
                packet = transport.receive(RECEIVE_POLL_MILLIS);
            } catch (IOException e) {
                if (receiving) {
                    log.error("({}) receiving failed; no more advertisements will be heard", name, e);
                }
                return;
            }
            if (packet != null) {
                accept(packet);
            }
        }
    }

    private void accept(byte[] packet) {
        VrrpDecodeResult result = VrrpDecoder.decode(packet, expectations);
        if (result instanceof VrrpDecodeResult.Rejected rejected) {
            dropped(rejected.reason().name(), sourceOf(packet), rejected.detail());
            return;
        }
        VrrpDecodeResult.Accepted accepted = (VrrpDecodeResult.Accepted) result;
        TransportRejection bySource = VrrpTransport.checkSource(transportConfig, accepted.source());
        if (bySource != null) {
            dropped(bySource.name(), accepted.source(), null);
            return;
        }
        if (accepted.ownerAddressListMismatch()) {
            log.warn("({}) the address owner {} advertises other addresses than ours: check the configuration",
                    name, accepted.source());
        }
        advertsReceived.incrementAndGet();
        if (log.isDebugEnabled()) {
            log.debug("({}) advert from {} priority {}", name, accepted.source(), accepted.advertisement().priority());
        }
        scheduler.execute(() -> handle(VrrpInput.advertisement(accepted.source(), accepted.advertisement())));
    }

    private static Ipv4Address sourceOf(byte[] packet) {
        return packet.length >= 20 ? Ipv4Address.ofBytes(packet, 12) : null;
    }

    private void dropped(String reason, Ipv4Address source, String detail) {
        drops.drop(reason, source, detail);
        scheduler.execute(() -> {
            for (VrrpListener listener : listeners) {
                try {
                    listener.onPacketDropped(this, reason, source);
                } catch (RuntimeException e) {
                    log.warn("({}) listener {} failed on a dropped packet", name, listener, e);
                }
            }
        });
    }

    /** Feeds one input to the state machine and performs its actions. Protocol thread only. */
    private void handle(VrrpInput input) {
        if (machine == null) {
            return;
        }
        List<VrrpAction> actions = machine.handle(scheduler.nanoTime(), input);
        for (VrrpAction action : actions) {
            perform(action);
        }
        protocolSnapshot = machine.snapshot();
    }

    private void perform(VrrpAction action) {
        if (action instanceof VrrpAction.SendAdvertisement send) {
            sendAdvertisement(send);
        } else if (action instanceof VrrpAction.AddVirtualAddresses add) {
            try {
                List<VirtualAddress> added = addresses.add(configured(add.addresses()));
                log.info("({}) added VIPs {}", name, added);
            } catch (IOException e) {
                log.error("({}) adding VIPs failed: {}", name, e.getMessage());
            }
        } else if (action instanceof VrrpAction.RemoveVirtualAddresses remove) {
            try {
                List<VirtualAddress> removed = addresses.remove(configured(remove.addresses()));
                if (!removed.isEmpty()) {
                    log.info("({}) removed VIPs {}", name, removed);
                }
            } catch (IOException e) {
                log.error("({}) removing VIPs failed: {}", name, e.getMessage());
            }
        } else if (action instanceof VrrpAction.SendGratuitousArp garp) {
            List<Ipv4Address> announced = new ArrayList<>(garp.addresses().size());
            for (Ipv4Cidr vip : garp.addresses()) {
                announced.add(vip.address());
            }
            try {
                for (int i = 0; i < garp.count(); i++) {
                    gratuitousArp.announce(announced);
                }
            } catch (IOException e) {
                sendFailed("gratuitous ARP", e);
            }
        } else if (action instanceof VrrpAction.ArmTimer arm) {
            Scheduler.Timer previous = timers.remove(arm.timer());
            if (previous != null) {
                previous.cancel();
            }
            if (log.isDebugEnabled()) {
                log.debug("({}) {} timer armed for {}", name, arm.timer(), arm.delay());
            }
            timers.put(arm.timer(), scheduler.schedule(arm.delay(), () -> handle(arm.expiry())));
        } else if (action instanceof VrrpAction.CancelTimer cancel) {
            Scheduler.Timer previous = timers.remove(cancel.timer());
            if (previous != null) {
                previous.cancel();
            }
        } else if (action instanceof VrrpAction.StateChanged changed) {
            stateChanged(changed);
        } else if (action instanceof VrrpAction.PriorityChanged changed) {
            log.info("({}) priority {} -> {} ({})", name, changed.from(), changed.to(), changed.reason());
            for (VrrpListener listener : listeners) {
                try {
                    listener.onPriorityChange(this, changed.from(), changed.to(), changed.reason());
                } catch (RuntimeException e) {
                    log.warn("({}) listener {} failed on a priority change", name, listener, e);
                }
            }
        }
    }

    /** The configured entries (labels) of {@code vips}: a plain loop, as it runs on the takeover path. */
    private List<VirtualAddress> configured(List<Ipv4Cidr> vips) {
        List<VirtualAddress> entries = new ArrayList<>(vips.size());
        for (Ipv4Cidr vip : vips) {
            entries.add(addresses.configured(vip));
        }
        return entries;
    }

    private void sendAdvertisement(VrrpAction.SendAdvertisement send) {
        try {
            transport.send(VrrpEncoder.encodeMessage(send.advertisement()));
            advertsSent.incrementAndGet();
        } catch (IOException e) {
            sendFailed("advertisement", e);
        }
    }

    private void sendFailed(String what, IOException e) {
        sendFailures.incrementAndGet();
        long now = scheduler.nanoTime();
        if (now - lastSendFailureLog >= DropCounter.LOG_INTERVAL_NANOS) {
            lastSendFailureLog = now;
            log.warn("({}) sending {} failed ({} failures so far): {}", name, what, sendFailures.get(), e.getMessage());
        }
    }

    private void stateChanged(VrrpAction.StateChanged changed) {
        log.info("({}) Entering {} STATE ({})", name, changed.to(), changed.reason());
        for (VrrpListener listener : listeners) {
            try {
                listener.onStateChange(this, changed.from(), changed.to(), changed.reason());
            } catch (RuntimeException e) {
                log.warn("({}) listener {} failed on {} -> {}", name, listener, changed.from(), changed.to(), e);
            }
        }
        if (!notifyScripts.isEmpty()) {
            String keepalivedState = changed.to() == VrrpState.INITIALIZE ? "STOP" : changed.to().name();
            int priority = machine.snapshot().effectivePriority();
            notifyRunner.submit(notifyScripts.commandsFor(keepalivedState, name, priority));
        }
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (!started || stopped) {
                return;
            }
            stopped = true;
        }
        try {
            // RFC 3768 §6.4.3 Shutdown: a MASTER sends priority 0, then (keepalived order) removes its VIPs.
            onProtocolThread(resign);
        } catch (IOException e) {
            log.error("({}) graceful shutdown failed: {}", name, e.getMessage());
        }
        release();
        log.info("({}) stopped", name);
    }

    /** Closes whatever was opened, in reverse order; safe on a half-started instance. */
    private void release() {
        for (HealthSource.Subscription subscription : subscriptions) {
            subscription.close();
        }
        subscriptions.clear();
        if (linkWatcher != null) {
            linkWatcher.close();
        }
        receiving = false;
        if (receiver != null) {
            try {
                receiver.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (scheduler != null) {
            scheduler.close(); // pending timers die with it
        }
        if (transport != null) {
            transport.close();
        }
        if (packetSocket != null) {
            packetSocket.close();
        }
        if (netlink != null) {
            netlink.close();
        }
        if (notifyRunner != null) {
            notifyRunner.close();
        }
    }

    @Override
    public VrrpInstanceSnapshot snapshot() {
        VrrpSnapshot protocol = protocolSnapshot;
        DropCounter counter = drops;
        return new VrrpInstanceSnapshot(
                name,
                protocol == null ? VrrpState.INITIALIZE : protocol.state(),
                basePriority,
                protocol == null ? basePriority : protocol.effectivePriority(),
                protocol == null ? Optional.empty() : protocol.masterAddress(),
                sourceAddress,
                protocol == null || protocol.interfaceUp(),
                advertsSent.get(),
                advertsReceived.get(),
                counter == null ? Map.of() : counter.snapshot(),
                sendFailures.get());
    }

    @Override
    public String toString() {
        return "VrrpInstance(" + name + " on " + interfaceName + ")";
    }
}
