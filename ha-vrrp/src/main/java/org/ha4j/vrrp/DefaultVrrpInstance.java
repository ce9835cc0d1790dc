package org.ha4j.vrrp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ha4j.core.health.HealthSource;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.linux.InterfaceAddress;
import org.ha4j.core.linux.LinkInfo;
import org.ha4j.core.linux.LinkMonitor;
import org.ha4j.core.linux.LinuxNetwork;
import org.ha4j.core.linux.PacketSocket;
import org.ha4j.core.linux.RouteNetlink;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.core.time.SystemScheduler;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpEncoder;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.driver.AddressAnnouncer;
import org.ha4j.vrrp.driver.AdvertisementSender;
import org.ha4j.vrrp.driver.SyncGroupPort;
import org.ha4j.vrrp.driver.VirtualAddressTable;
import org.ha4j.vrrp.driver.VrrpDriver;
import org.ha4j.vrrp.net.GratuitousArp;
import org.ha4j.vrrp.net.LinkWatcher;
import org.ha4j.vrrp.net.TakeoverRehearsal;
import org.ha4j.vrrp.net.TransportConfig;
import org.ha4j.vrrp.net.VirtualAddressManager;
import org.ha4j.vrrp.net.VrrpTransport;
import org.ha4j.vrrp.protocol.VrrpInput;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpSnapshot;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpStateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux assembly of a {@link VrrpDriver}: opens the raw sockets, netlink and the packet socket,
 * wires them to the driver's ports (adverts out, the interface's VIP table, gratuitous ARP,
 * listeners and notify scripts), rehearses the takeover, and feeds the driver from the receiver
 * thread, the link watcher and the tracked health sources.
 *
 * <p>Threads: the protocol thread (a {@link SystemScheduler}) is the driver's: the only one that
 * touches the state machine, the VIPs and the timers, and the one listeners are called on. The
 * receiver thread decodes packets and queues valid ones to it; the link watcher and health sources
 * queue their changes too.
 */
final class DefaultVrrpInstance implements VrrpInstance {

  private static final Logger log = LoggerFactory.getLogger(DefaultVrrpInstance.class);
  private static final long STOP_TIMEOUT_SECONDS = 10;

  private final String name;
  private final String interfaceName;

  /** Validated at build time with a placeholder primary address; the real one is read at start. */
  private final VrrpRouterConfig protocol;

  private final List<VirtualAddress> heldAddresses;
  private final Ipv4Address unicastSource;
  private final List<Ipv4Address> unicastPeers;
  private final Map<HealthSource, Integer> tracked;
  private final List<VrrpListener> listeners;
  private final NotifyScripts notifyScripts;
  private final int basePriority;
  private final VrrpSyncGroup syncGroup;
  private final List<String> trackedInterfaces;
  private final List<LinkWatcher> trackedLinkWatchers = new ArrayList<>();
  private SyncGroupCoordinator.Member groupMember;

  private final List<HealthSource.Subscription> subscriptions = new ArrayList<>();

  private volatile DropCounter drops;
  private SystemScheduler scheduler;
  private RouteNetlink netlink;
  private VrrpTransport transport;
  private PacketSocket packetSocket;
  private final Ipv6Ports.Settings ipv6Settings;
  private volatile Ipv6Ports ipv6Ports;
  private LinkWatcher linkWatcher;
  private volatile AdvertReceiver receiver;
  private NotifyRunner notifyRunner;
  private volatile VrrpDriver driver;
  private volatile Ipv4Address sourceAddress;
  private boolean started;
  private boolean stopped;

  /**
   * The graceful stop's work, linked when the instance is built: stop() runs on a signal (SIGTERM),
   * when the backup's Skew_Time only starts once our priority-0 advert is out, so it should not
   * link a lambda first.
   */
  private final Runnable resign = () -> driver.stop();

  DefaultVrrpInstance(VrrpInstance.Builder builder, String name, VrrpRouterConfig protocol) {
    this(builder, name, protocol, null);
  }

  /** An IPv6 instance when {@code ipv6Settings} is set: the same driver over IPv6 ports. */
  DefaultVrrpInstance(
      VrrpInstance.Builder builder,
      String name,
      VrrpRouterConfig protocol,
      Ipv6Ports.Settings ipv6Settings) {
    this.ipv6Settings = ipv6Settings;
    this.name = name;
    this.interfaceName = builder.interfaceName;
    this.protocol = protocol;
    // The table holds the excluded addresses too: they come and go with the VIPs.
    this.heldAddresses =
        java.util.stream.Stream.concat(
                builder.virtualAddresses.stream(), builder.excludedAddresses.stream())
            .toList();
    this.unicastSource = builder.unicastSource;
    this.unicastPeers = List.copyOf(builder.unicastPeers);
    this.tracked = new LinkedHashMap<>(builder.tracked);
    this.listeners = List.copyOf(builder.listeners);
    this.notifyScripts = builder.notifyScripts;
    this.basePriority = builder.priority;
    this.syncGroup = builder.syncGroup;
    this.trackedInterfaces = List.copyOf(builder.trackedInterfaces.keySet());
  }

  @Override
  public String name() {
    return name;
  }

  /** The protocol configuration this instance runs once its advert source is known. */
  VrrpRouterConfig protocolConfig(Ipv4Address source) {
    return protocol.toBuilder().primaryAddress(source).build();
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
    LinkInfo link =
        netlink
            .link(interfaceName)
            .orElseThrow(
                () -> new IOException("(" + name + ") no interface named " + interfaceName));
    Ipv4Address source;
    VrrpRouterConfig config;
    TransportConfig transportConfig;
    VirtualAddressTable addressTable;
    AddressAnnouncer announcer;
    AdvertisementSender adverts;
    AdvertReceiver.PacketSource packets;
    AdvertReceiver.PacketDecoder decoder;
    if (ipv6Settings != null) {
      Ipv6Ports ports = Ipv6Ports.open(name, interfaceName, netlink, link, ipv6Settings);
      ipv6Ports = ports;
      source = Ipv6StandIns.SELF;
      config = protocolConfig(source);
      transportConfig = ports.transportConfig();
      addressTable = ports.addresses();
      announcer = ports.announcer();
      adverts = ports.adverts();
      packets = ports.packets();
      decoder = ports.decoder(config);
    } else {
      VirtualAddressManager addresses =
          new VirtualAddressManager(netlink, interfaceName, link.index(), heldAddresses);
      List<InterfaceAddress> present = addresses.findHostOwned();
      source = unicastSource;
      if (source == null) {
        source =
            VirtualAddressManager.primaryAddress(present)
                .orElseThrow(
                    () ->
                        new IOException(
                            "("
                                + name
                                + ") interface "
                                + interfaceName
                                + " has no IPv4 address to send advertisements from"));
      }
      config = protocolConfig(source);
      transportConfig = new TransportConfig(interfaceName, link.index(), source, unicastPeers);
      transport = VrrpTransport.open(transportConfig);
      packetSocket = LinuxNetwork.openPacket();
      GratuitousArp gratuitousArp =
          new GratuitousArp(packetSocket, link.index(), link.hardwareAddress());
      ReceiveExpectations expectations = expectations(config, transportConfig);
      new TakeoverRehearsal(name, config, expectations)
          .run(transport, addresses, gratuitousArp, link.hardwareAddress());
      VrrpTransport sender = transport;
      TransportConfig sent = transportConfig;
      addressTable = new InterfaceAddressTable(name, addresses);
      announcer = gratuitousArp;
      adverts = advert -> sender.send(message(advert, sent));
      packets = sender::receive;
      decoder = AdvertReceiver.ipv4(expectations);
    }
    sourceAddress = source;
    protocol.warnings().forEach(warning -> log.warn("({}) {}", name, warning));
    LinkMonitor monitor = LinuxNetwork.openLinkMonitor();
    scheduler = new SystemScheduler("ha4j-vrrp-" + name);
    DropCounter dropCounter = new DropCounter(name, scheduler);
    drops = dropCounter;
    notifyRunner = new NotifyRunner(name);
    InstanceNotifier notifier = new InstanceNotifier(this, listeners, notifyScripts, notifyRunner);
    SystemScheduler protocolThread = scheduler;
    if (syncGroup != null) {
      groupMember = syncGroup.coordinator().join(name, config, protocolThread::execute);
    }
    VrrpDriver linuxDriver =
        VrrpDriver.builder(VrrpStateMachine.create(config))
            .syncGroup(groupMember != null ? groupMember : SyncGroupPort.NONE)
            .name(name)
            .scheduler(scheduler)
            .adverts(adverts)
            .addresses(addressTable)
            .announcer(announcer)
            .notifier(notifier)
            .build();
    driver = linuxDriver;
    if (groupMember != null) {
      groupMember.attach(linuxDriver);
    }

    boolean up = link.isUp();
    List<String> trackedDown = watchTrackedInterfaces(linuxDriver);
    onProtocolThread(
        () -> {
          linuxDriver.handle(VrrpInput.start());
          if (!up) {
            linuxDriver.handle(VrrpInput.interfaceUp(false));
          }
          for (String down : trackedDown) {
            linuxDriver.handle(
                VrrpInput.health(
                    VrrpInstance.Builder.trackedInterfaceInput(down), HealthStatus.DOWN));
          }
          for (HealthSource healthSource : tracked.keySet()) {
            if (!healthSource.current().isUp()) {
              linuxDriver.handle(
                  VrrpInput.health(healthSource.name(), healthSource.current().status()));
            }
          }
        });
    for (HealthSource healthSource : tracked.keySet()) {
      subscriptions.add(
          healthSource.subscribe(
              (changed, previous, current) ->
                  scheduler.execute(
                      () ->
                          linuxDriver.handle(VrrpInput.health(changed.name(), current.status())))));
    }
    linkWatcher =
        new LinkWatcher(
            monitor,
            interfaceName,
            link.index(),
            up,
            nowUp -> scheduler.execute(() -> linuxDriver.handle(VrrpInput.interfaceUp(nowUp))));
    linkWatcher.start();
    trackedLinkWatchers.forEach(LinkWatcher::start);
    receiver =
        new AdvertReceiver(
            name,
            packets,
            transportConfig,
            decoder,
            (from, advert) ->
                scheduler.execute(() -> linuxDriver.handle(VrrpInput.advertisement(from, advert))),
            (reason, from, detail) -> {
              dropCounter.drop(reason, from, detail);
              scheduler.execute(() -> notifier.packetDropped(reason, from));
            });
    receiver.start();
    log.info(
        "({}) started on {} from {} ({}), VRID {}, priority {}",
        name,
        interfaceName,
        ipv6Ports != null ? ipv6Ports.sourceAddress() : source,
        ipv6Ports != null
            ? ipv6Ports.toString()
            : transportConfig.isUnicast() ? "unicast to " + unicastPeers : "multicast",
        config.virtualRouterId(),
        config.priority());
  }

  /**
   * A link watcher per {@code track_interface}, listening from now on but started later (after the
   * protocol heard the initial states); returns the interfaces whose link is down now.
   *
   * @throws IOException naming an interface that does not exist, as keepalived -t does
   */
  private List<String> watchTrackedInterfaces(VrrpDriver linuxDriver) throws IOException {
    List<String> down = new ArrayList<>();
    for (String tracked : trackedInterfaces) {
      LinkInfo link =
          netlink
              .link(tracked)
              .orElseThrow(
                  () ->
                      new IOException(
                          "(" + name + ") tracked interface " + tracked + " doesn't exist"));
      String input = VrrpInstance.Builder.trackedInterfaceInput(tracked);
      LinkWatcher watcher =
          new LinkWatcher(
              LinuxNetwork.openLinkMonitor(),
              tracked,
              link.index(),
              link.isUp(),
              nowUp ->
                  scheduler.execute(
                      () ->
                          linuxDriver.handle(
                              VrrpInput.health(
                                  input, nowUp ? HealthStatus.UP : HealthStatus.DOWN))));
      trackedLinkWatchers.add(watcher);
      if (!link.isUp()) {
        down.add(tracked);
      }
    }
    return down;
  }

  private static ReceiveExpectations expectations(
      VrrpRouterConfig config, TransportConfig transportConfig) {
    ReceiveExpectations.Builder expectations =
        ReceiveExpectations.builder()
            .version(config.version())
            .virtualRouterId(config.virtualRouterId())
            .localAddressOwner(config.isAddressOwner())
            .addresses(config.virtualAddresses().stream().map(Ipv4Cidr::address).toList())
            .requireTtl255(!transportConfig.isUnicast());
    if (config.version() == VrrpWireFormat.VERSION) {
      // VRRPv3 has neither (RFC 9568 §9), and its backups learn the master's interval (§6.4.2)
      expectations
          .authentication(config.authentication())
          .advertIntervalSeconds(config.advertIntervalSeconds());
    }
    return expectations.build();
  }

  /**
   * The VRRP message the kernel wraps in its IPv4 header. A VRRPv3 checksum covers that header's
   * addresses (RFC 9568 §5.2.8): the group's, or the one unicast peer's (the builder allows no more
   * under VRRPv3).
   */
  static byte[] message(VrrpAdvertisement advert, TransportConfig transportConfig) {
    if (!advert.isV3()) {
      return VrrpEncoder.encodeMessage(advert);
    }
    Ipv4Address destination =
        transportConfig.isUnicast()
            ? transportConfig.unicastPeers().get(0)
            : VrrpWireFormat.MULTICAST_GROUP;
    byte[] message = new byte[VrrpEncoder.messageLength(advert)];
    VrrpEncoder.encodeMessage(advert, transportConfig.source(), destination, message, 0);
    return message;
  }

  /** Runs {@code work} on the protocol thread and waits for it. */
  private void onProtocolThread(Runnable work) throws IOException {
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(
        () -> {
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
      throw new IOException(
          "(" + name + ") protocol thread did not answer within " + STOP_TIMEOUT_SECONDS + " s", e);
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
      // RFC 3768 §6.4.3 Shutdown: a MASTER sends priority 0, then (keepalived order) removes its
      // VIPs.
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
    trackedLinkWatchers.forEach(LinkWatcher::close);
    trackedLinkWatchers.clear();
    if (receiver != null) {
      receiver.close();
    }
    if (groupMember != null) {
      groupMember.leave(); // before the protocol thread ends: the group posts nothing more here
      groupMember = null;
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
    if (ipv6Ports != null) {
      ipv6Ports.close();
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
    VrrpDriver running = driver;
    VrrpSnapshot protocolState = running == null ? null : running.snapshot();
    DropCounter counter = drops;
    AdvertReceiver rx = receiver;
    Ipv6Ports ports6 = ipv6Ports;
    Ipv4Address source = sourceAddress;
    return new VrrpInstanceSnapshot(
        name,
        protocolState == null ? VrrpState.INITIALIZE : protocolState.state(),
        basePriority,
        protocolState == null ? basePriority : protocolState.effectivePriority(),
        protocolState == null
            ? Optional.empty()
            : protocolState.masterAddress().map(this::realAddress),
        ports6 != null ? ports6.sourceAddress() : source == null ? null : realAddress(source),
        protocolState == null || protocolState.interfaceUp(),
        running == null ? 0 : running.advertisementsSent(),
        rx == null ? 0 : rx.received(),
        counter == null ? Map.of() : counter.snapshot(),
        running == null ? 0 : running.sendFailures());
  }

  /** An address as the core names it, as it really is: an IPv6 instance's stand-ins translated. */
  private IpAddress realAddress(Ipv4Address address) {
    Ipv6Ports ports6 = ipv6Ports;
    if (ports6 != null) {
      return ports6.standIns().realSource(address).orElse(ports6.sourceAddress());
    }
    return IpAddress.ofBytes(address.toBytes());
  }

  /** The instance and the protocol settings it runs with, for logs and for a node's checks. */
  @Override
  public String toString() {
    String ipv6 =
        ipv6Settings == null
            ? ""
            : ", IPv6 vips "
                + ipv6Settings.virtual()
                + (ipv6Settings.unicastPeers().isEmpty()
                    ? ""
                    : ", unicast peers " + ipv6Settings.unicastPeers());
    return "VrrpInstance(" + name + " on " + interfaceName + ": " + protocol + ipv6 + ")";
  }
}
