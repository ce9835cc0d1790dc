package org.ha4j.vrrp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpWireFormat;
import org.ha4j.vrrp.driver.AddressAnnouncer;
import org.ha4j.vrrp.driver.AdvertQueue;
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
 * <p>Threads: the protocol thread (a {@link ProtocolThread}) is the driver's: the only one that
 * touches the state machine, the VIPs and the timers, and the one listeners are called on. The
 * receiver thread decodes packets and queues valid ones to it; the link watcher and health sources
 * queue their changes too.
 */
final class DefaultVrrpInstance implements VrrpInstance {

  private static final Logger log = LoggerFactory.getLogger(DefaultVrrpInstance.class);
  private static final long STOP_TIMEOUT_SECONDS = 10;

  private final String name;

  /** Replaced whole by {@link #reconfigure}, on the protocol thread. */
  private volatile InstanceSettings settings;

  private TrackedInterfaces trackedInterfaces;
  private SyncGroupCoordinator.Member groupMember;

  private final List<HealthSource.Subscription> subscriptions = new ArrayList<>();

  private volatile DropCounter drops;
  private ProtocolThread scheduler;
  private RouteNetlink netlink;
  private int interfaceIndex;
  private volatile VrrpTransport transport;
  private volatile TransportConfig transportConfig;
  private PacketSocket packetSocket;

  /** An IPv6 instance's sockets and ports (then {@link #transport} stays null). */
  private volatile Ipv6Ports ipv6Ports;

  private LinkWatcher linkWatcher;
  private volatile AdvertReceiver receiver;

  /** Adverts the receiver handed to the protocol thread that it has not handled yet. */
  private final AtomicInteger advertsQueued = new AtomicInteger();

  /** Adverts counted by receivers a reconfigure replaced. */
  private volatile long receivedBefore;

  private NotifyRunner notifyRunner;
  private NoAcceptFilter noAccept;

  /** Volatile: {@link #snapshot()} reads its transition counts from any thread. */
  private volatile InstanceNotifier notifier;

  private InterfaceAddressTable addressTable;

  /** Adverts out; replaced with the transport when a reconfigure changes the source or peers. */
  private volatile AdvertisementSender adverts;

  /** A master's coming adverts queued in the kernel; {@link AdvertQueue#NONE} if off. */
  private AdvertQueue advertQueue = AdvertQueue.NONE;

  private volatile VrrpDriver driver;
  private volatile Ipv4Address sourceAddress;
  private boolean started;
  private boolean stopped;

  /** The instance whose {@link #reconfigure} took this one's settings, or null. */
  private String consumedBy;

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
    this.name = name;
    this.settings = InstanceSettings.of(builder, name, protocol, ipv6Settings);
  }

  @Override
  public String name() {
    return name;
  }

  InstanceSettings settings() {
    return settings;
  }

  /** The protocol configuration this instance runs once its advert source is known. */
  VrrpRouterConfig protocolConfig(Ipv4Address source) {
    return protocolConfig(source, settings);
  }

  private static VrrpRouterConfig protocolConfig(Ipv4Address source, InstanceSettings s) {
    return s.protocol().toBuilder().primaryAddress(source).build();
  }

  @Override
  public synchronized void start() throws IOException {
    if (consumedBy != null) {
      throw new IllegalStateException(
          "VRRP instance " + name + " was consumed by a reconfigure of " + consumedBy);
    }
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
    InstanceSettings s = settings;
    String interfaceName = s.interfaceName();
    netlink = LinuxNetwork.openRouteNetlink();
    LinkInfo link =
        netlink
            .link(interfaceName)
            .orElseThrow(
                () -> new IOException("(" + name + ") no interface named " + interfaceName));
    interfaceIndex = link.index();
    Ipv4Address source;
    VrrpRouterConfig config;
    VirtualAddressTable table;
    AddressAnnouncer announcer;
    AdvertReceiver.PacketSource packets;
    AdvertReceiver.PacketDecoder decoder;
    if (s.ipv6() != null) {
      Ipv6Ports ports = Ipv6Ports.open(name, interfaceName, netlink, link, s.ipv6());
      ipv6Ports = ports;
      source = Ipv6StandIns.SELF;
      config = protocolConfig(source);
      transportConfig = ports.transportConfig();
      table = ports.addresses();
      announcer = ports.announcer();
      adverts = ports.adverts();
      advertQueue = ports.kernelQueue();
      packets = ports.packets();
      decoder = ports.decoder(config);
    } else {
      VirtualAddressManager addresses =
          new VirtualAddressManager(netlink, interfaceName, link.index(), s.heldAddresses());
      List<InterfaceAddress> present = addresses.findHostOwned();
      source = s.unicastSource();
      if (source == null) {
        source = primaryAddress(present);
      }
      config = protocolConfig(source);
      transportConfig = new TransportConfig(interfaceName, link.index(), source, s.unicastPeers());
      transport = VrrpTransport.open(transportConfig);
      packetSocket = LinuxNetwork.openPacket();
      GratuitousArp gratuitousArp =
          new GratuitousArp(packetSocket, link.index(), link.hardwareAddress());
      ReceiveExpectations expectations = expectations(config, transportConfig);
      new TakeoverRehearsal(name, config, expectations)
          .run(transport, addresses, gratuitousArp, link.hardwareAddress());
      addressTable = new InterfaceAddressTable(name, addresses);
      table = addressTable;
      announcer = gratuitousArp;
      AdvertMessages messages = new AdvertMessages(transport, transportConfig);
      adverts = messages;
      advertQueue = messages.kernelQueue(name);
      packets = AdvertReceiver.PacketSource.of(transport);
      decoder = AdvertReceiver.ipv4(expectations);
    }
    sourceAddress = source;
    s.protocol().warnings().forEach(warning -> log.warn("({}) {}", name, warning));
    // an IPv6 instance's config names its VIPs by stand-ins, which nftables must never see
    NoAcceptFilter filter = s.ipv6() == null ? noAcceptFilter(config) : null;
    if (s.ipv6() != null && !config.acceptMode() && !config.isAddressOwner()) {
      log.warn(
          "({}) NO_ACCEPT_NOT_ENFORCED_FOR_IPV6: traffic to the IPv6 VIPs is accepted while master"
              + " (no_accept filters IPv4 instances only)",
          name);
    }
    if (filter != null) {
      filter.install();
      noAccept = filter;
      log.info(
          "({}) no_accept: traffic to the VIPs dropped by nftables table {}", name, filter.table());
    }
    LinkMonitor monitor = LinuxNetwork.openLinkMonitor();
    scheduler = new ProtocolThread("ha4j-vrrp-" + name);
    scheduler.execute(() -> VrrpThreadPriority.raise(name, "protocol"));
    DropCounter dropCounter = new DropCounter(name, scheduler);
    drops = dropCounter;
    notifyRunner = new NotifyRunner(name);
    notifier = new InstanceNotifier(this, s.listeners(), s.notifyScripts(), notifyRunner);
    ProtocolThread protocolThread = scheduler;
    if (s.syncGroup() != null) {
      groupMember = s.syncGroup().coordinator().join(name, config, protocolThread::execute);
    }
    VrrpDriver linuxDriver =
        VrrpDriver.builder(VrrpStateMachine.create(config))
            .syncGroup(groupMember != null ? groupMember : SyncGroupPort.NONE)
            .name(name)
            .scheduler(scheduler)
            // a field, not a capture: a reconfigure may replace the transport
            .adverts(advert -> adverts.send(advert))
            .advertQueue(advertQueue)
            .unheardAdverts(this::advertsUnheard)
            .addresses(table)
            .announcer(announcer)
            .notifier(notifier)
            .build();
    driver = linuxDriver;
    if (groupMember != null) {
      groupMember.attach(linuxDriver);
    }

    boolean up = link.isUp();
    trackedInterfaces =
        new TrackedInterfaces(
            name,
            netlink,
            (input, status) ->
                scheduler.execute(() -> driver.handle(VrrpInput.health(input, status))));
    TrackedInterfaces.Opened links = trackedInterfaces.open(s.trackedInterfaces().keySet());
    Map<String, HealthStatus> trackedDown = links.states();
    onProtocolThread(
        () -> {
          linuxDriver.handle(VrrpInput.start());
          if (!up) {
            linuxDriver.handle(VrrpInput.interfaceUp(false));
          }
          trackedDown.forEach(
              (input, status) -> {
                if (status == HealthStatus.DOWN) {
                  linuxDriver.handle(VrrpInput.health(input, status));
                }
              });
          for (HealthSource healthSource : s.tracked().keySet()) {
            if (!healthSource.current().isUp()) {
              linuxDriver.handle(
                  VrrpInput.health(healthSource.name(), healthSource.current().status()));
            }
          }
        });
    subscribeTracked(s);
    linkWatcher =
        new LinkWatcher(
            monitor,
            interfaceName,
            link.index(),
            up,
            nowUp -> scheduler.execute(() -> linuxDriver.handle(VrrpInput.interfaceUp(nowUp))));
    linkWatcher.start();
    trackedInterfaces.commit(links, s.trackedInterfaces().keySet());
    receiver = receiver(packets, transportConfig, decoder);
    receiver.start();
    Ipv6Ports ports6 = ipv6Ports;
    log.info(
        "({}) started on {} from {} ({}), VRID {}, priority {}",
        name,
        interfaceName,
        ports6 != null ? ports6.sourceAddress() : source,
        ports6 != null
            ? ports6.toString()
            : transportConfig.isUnicast() ? "unicast to " + s.unicastPeers() : "multicast",
        config.virtualRouterId(),
        config.priority());
  }

  private Ipv4Address primaryAddress(List<InterfaceAddress> present) throws IOException {
    return VirtualAddressManager.primaryAddress(present)
        .orElseThrow(
            () ->
                new IOException(
                    "("
                        + name
                        + ") interface "
                        + settings.interfaceName()
                        + " has no IPv4 address to send advertisements from"));
  }

  /** For the driver, on the protocol thread: adverts received that it has not heard yet. */
  private boolean advertsUnheard() {
    AdvertReceiver current = receiver;
    return advertsQueued.get() > 0 || (current != null && current.behind());
  }

  private AdvertReceiver receiver(
      AdvertReceiver.PacketSource from,
      TransportConfig config,
      AdvertReceiver.PacketDecoder decoder) {
    DropCounter dropCounter = drops;
    return new AdvertReceiver(
        name,
        from,
        config,
        decoder,
        // counted from hand-over to delivery, for the driver's Master_Down_Timer (advertsUnheard)
        new AdvertHandOff(
            task -> {
              advertsQueued.incrementAndGet();
              scheduler.execute(task);
            },
            input -> {
              advertsQueued.decrementAndGet();
              driver.handle(input);
            }),
        (reason, source, detail) -> {
          dropCounter.drop(reason, source, detail);
          scheduler.execute(() -> notifier.packetDropped(reason, source));
        });
  }

  /**
   * Subscribes to the tracked sources of {@code s}. A change is fed only while its source is still
   * tracked: one queued just before a reconfigure dropped the source changes nothing.
   */
  private void subscribeTracked(InstanceSettings s) {
    for (HealthSource healthSource : s.tracked().keySet()) {
      subscriptions.add(
          healthSource.subscribe(
              (changed, previous, current) ->
                  scheduler.execute(
                      () -> {
                        if (settings.tracked().containsKey(healthSource)) {
                          driver.handle(VrrpInput.health(healthSource.name(), current.status()));
                        }
                      })));
    }
  }

  // ---------------------------------------------------------------- reconfigure

  @Override
  public synchronized void reconfigure(VrrpInstance replacement) {
    Objects.requireNonNull(replacement, "replacement");
    if (!(replacement instanceof DefaultVrrpInstance next) || next == this) {
      throw new IllegalArgumentException(
          "(" + name + ") the replacement must be a new instance from VrrpInstance.builder()");
    }
    InstanceSettings was = settings;
    InstanceSettings now = next.settings;
    InstanceReload.requireSameIdentity(was, now);
    if (!started || stopped) {
      throw new IllegalStateException(
          "(" + name + ") is not running: only a started instance can be reconfigured");
    }
    Reload reload;
    try {
      reload = prepare(was, now);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "(" + name + ") reconfigure failed, nothing changed: " + e.getMessage(), e);
    }
    try {
      next.consumeFor(name);
    } catch (RuntimeException e) {
      reload.abandon();
      throw e;
    }
    String changes = InstanceReload.describeChanges(was, now);
    VrrpTransport previousTransport = transport;
    try {
      onProtocolThread(() -> adopt(reload, changes));
    } catch (IOException e) {
      boolean sendingOnNewSockets = reload.transport() != null && transport == reload.transport();
      if (sendingOnNewSockets) {
        finish(reload, previousTransport); // the receiver follows the sender
      } else {
        reload.abandon();
      }
      throw new UncheckedIOException(
          "(" + name + ") reconfigure failed part way: " + e.getMessage(), e);
    }
    finish(reload, previousTransport);
  }

  private synchronized void consumeFor(String by) {
    if (started) {
      throw new IllegalStateException(
          "the replacement " + name + " was already started or used by a reconfigure");
    }
    started = true;
    stopped = true;
    consumedBy = by;
  }

  /**
   * What a reconfigure opens before anything changes, so a failure leaves the instance as it was.
   *
   * @param transport a new transport when the advert source or peers change, else null (always null
   *     for an IPv6 instance, whose addresses a reconfigure never changes)
   * @param decoder how the receiver validates adverts from now on
   * @param addresses the VIP table's new contents; null for an IPv6 instance
   * @param links the watchers of interfaces newly tracked
   */
  private record Reload(
      InstanceSettings settings,
      VrrpRouterConfig config,
      TransportConfig transportConfig,
      VrrpTransport transport,
      AdvertReceiver.PacketDecoder decoder,
      VirtualAddressManager addresses,
      TrackedInterfaces.Opened links,
      NoAcceptFilter noAccept,
      boolean noAcceptChanged) {

    void abandon() {
      links.abandon();
      if (transport != null) {
        transport.close();
      }
    }
  }

  /** The no_accept table {@code config} needs: null with Accept_Mode or as the address owner. */
  private NoAcceptFilter noAcceptFilter(VrrpRouterConfig config) {
    if (config.acceptMode() || config.isAddressOwner()) {
      return null;
    }
    return new NoAcceptFilter(
        name, config.heldAddresses().stream().map(Ipv4Cidr::address).toList());
  }

  /** Whether two no_accept tables (either may be absent) differ. */
  private static boolean differ(NoAcceptFilter a, NoAcceptFilter b) {
    return a == null ? b != null : b == null || !a.installScript().equals(b.installScript());
  }

  private Reload prepare(InstanceSettings was, InstanceSettings now) throws IOException {
    Ipv6Ports ports6 = ipv6Ports;
    if (ports6 != null) {
      // same sockets and stand-ins: InstanceReload refused any change to the IPv6 addresses
      VrrpRouterConfig config = protocolConfig(Ipv6StandIns.SELF, now);
      TrackedInterfaces.Opened links = trackedInterfaces.open(now.trackedInterfaces().keySet());
      // no no_accept table for IPv6: the config names its VIPs by stand-ins
      return new Reload(
          now, config, transportConfig, null, ports6.decoder(config), null, links, null, false);
    }
    VirtualAddressManager addresses =
        new VirtualAddressManager(
            netlink, now.interfaceName(), interfaceIndex, now.heldAddresses());
    List<InterfaceAddress> present = addresses.findHostOwned();
    Ipv4Address source =
        now.unicastSource() != null
            ? now.unicastSource()
            : was.unicastSource() == null ? sourceAddress : primaryAddress(present);
    VrrpRouterConfig config = protocolConfig(source, now);
    TransportConfig newTransportConfig =
        new TransportConfig(now.interfaceName(), interfaceIndex, source, now.unicastPeers());
    TrackedInterfaces.Opened links = trackedInterfaces.open(now.trackedInterfaces().keySet());
    VrrpTransport newTransport = null;
    try {
      if (!newTransportConfig.equals(transportConfig)) {
        newTransport = VrrpTransport.open(newTransportConfig);
      }
    } catch (IOException | RuntimeException e) {
      links.abandon();
      throw e;
    }
    NoAcceptFilter filter = noAcceptFilter(config);
    boolean filterChanged = differ(filter, noAccept);
    return new Reload(
        now,
        config,
        newTransportConfig,
        newTransport,
        AdvertReceiver.ipv4(expectations(config, newTransportConfig)),
        addresses,
        links,
        filter,
        filterChanged);
  }

  /** On the protocol thread: every setting swapped, then the protocol told in one input. */
  private void adopt(Reload reload, String changes) {
    InstanceSettings now = reload.settings();
    subscriptions.forEach(HealthSource.Subscription::close);
    subscriptions.clear();
    settings = now;
    subscribeTracked(now);
    Map<String, HealthStatus> health = new LinkedHashMap<>(reload.links().states());
    for (HealthSource source : now.tracked().keySet()) {
      health.put(source.name(), source.current().status());
    }
    if (reload.addresses() != null) {
      addressTable.use(reload.addresses());
    }
    if (reload.transport() != null) {
      AdvertMessages messages = new AdvertMessages(reload.transport(), reload.transportConfig());
      if (advertQueue instanceof KernelPacedAdverts queue) {
        // the old socket's queue is withdrawn before that socket closes; the next advert (new
        // content, sent at once) starts filling the queue on the new one
        queue.retarget(
            reload.transport()::openScheduledSender,
            messages::messages,
            messages.destinationAddresses());
      }
      adverts = messages;
      transport = reload.transport();
      transportConfig = reload.transportConfig();
      sourceAddress = reload.transportConfig().source();
    }
    notifier.adopt(now.listeners(), now.notifyScripts());
    if (groupMember != null) {
      groupMember.reconfigured(reload.config());
    }
    driver.handle(VrrpInput.reconfigure(reload.config(), health));
    if (reload.transport() == null) {
      receiver.expect(reload.decoder());
    }
    notifier.reconfigured(changes);
  }

  /** After the protocol runs the new settings: watchers and the receiver follow. */
  private void finish(Reload reload, VrrpTransport previousTransport) {
    trackedInterfaces.commit(reload.links(), reload.settings().trackedInterfaces().keySet());
    if (reload.noAcceptChanged()) {
      followAcceptMode(reload.noAccept());
    }
    if (reload.transport() != null) {
      AdvertReceiver old = receiver;
      // the new receiver listens before the old one stops, so no advert falls between them
      VrrpTransport opened = reload.transport();
      AdvertReceiver fresh =
          receiver(
              AdvertReceiver.PacketSource.of(opened), reload.transportConfig(), reload.decoder());
      fresh.start();
      receiver = fresh;
      old.close();
      receivedBefore += old.received();
      previousTransport.close(); // unused since adopt(): adverts go out through the new one
    }
  }

  /**
   * After a reconfigure changed Accept_Mode or the addresses: the table replaced whole (one nft
   * transaction), or removed. A failure is logged: the protocol already runs the new settings.
   */
  private void followAcceptMode(NoAcceptFilter wanted) {
    try {
      if (wanted != null) {
        wanted.install();
      } else if (noAccept != null) {
        noAccept.remove();
      }
      noAccept = wanted;
    } catch (IOException e) {
      log.error("({}) {}", name, e.getMessage());
    }
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
    if (trackedInterfaces != null) {
      trackedInterfaces.close();
    }
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
    if (advertQueue instanceof KernelPacedAdverts queue) {
      queue.close(); // before the socket it sends on
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
    if (noAccept != null) {
      try {
        noAccept.remove();
      } catch (IOException e) {
        log.error("({}) {}", name, e.getMessage());
      }
      noAccept = null;
    }
  }

  /**
   * Test hook: holds the protocol thread for {@code pause}, as a safepoint that is slow to begin
   * holds every Java thread, so an IT can show what goes on the wire meanwhile.
   */
  void pauseProtocolThread(java.time.Duration pause) {
    scheduler.execute(() -> java.util.concurrent.locks.LockSupport.parkNanos(pause.toNanos()));
  }

  @Override
  public VrrpInstanceSnapshot snapshot() {
    VrrpDriver running = driver;
    VrrpSnapshot protocolState = running == null ? null : running.snapshot();
    DropCounter counter = drops;
    AdvertReceiver rx = receiver;
    InstanceNotifier told = notifier;
    Ipv6Ports ports6 = ipv6Ports;
    Ipv4Address source = sourceAddress;
    return new VrrpInstanceSnapshot(
        name,
        protocolState == null ? VrrpState.INITIALIZE : protocolState.state(),
        settings.basePriority(),
        protocolState == null ? settings.basePriority() : protocolState.effectivePriority(),
        protocolState == null
            ? Optional.empty()
            : protocolState.masterAddress().map(this::realAddress),
        ports6 != null ? ports6.sourceAddress() : source == null ? null : realAddress(source),
        protocolState == null || protocolState.interfaceUp(),
        running == null ? 0 : running.advertisementsSent(),
        receivedBefore + (rx == null ? 0 : rx.received()),
        counter == null ? Map.of() : counter.snapshot(),
        running == null ? 0 : running.sendFailures(),
        told == null ? Map.of() : told.transitions());
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
    InstanceSettings s = settings;
    Ipv6Ports.Settings ipv6Settings = s.ipv6();
    String ipv6 =
        ipv6Settings == null
            ? ""
            : ", IPv6 vips "
                + ipv6Settings.virtual()
                + (ipv6Settings.unicastPeers().isEmpty()
                    ? ""
                    : ", unicast peers " + ipv6Settings.unicastPeers());
    return "VrrpInstance(" + name + " on " + s.interfaceName() + ": " + s.protocol() + ipv6 + ")";
  }
}
