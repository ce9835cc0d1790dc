package org.ha4j.vrrp;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.vrrp.codec.ReceiveExpectations;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpDecodeResult;
import org.ha4j.vrrp.codec.VrrpDecoder;
import org.ha4j.vrrp.net.TransportConfig;
import org.ha4j.vrrp.net.TransportRejection;
import org.ha4j.vrrp.net.VrrpTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adverts in, on Linux: a thread of its own waits on the transport, decodes and validates each
 * packet, and hands a valid advert to {@code accepted} and a rejected one to {@code dropped} (named
 * by its reason). Both are called on the receiver thread; they queue the work to the protocol
 * thread.
 */
final class AdvertReceiver {

  private static final Logger log = LoggerFactory.getLogger(AdvertReceiver.class);
  private static final int RECEIVE_POLL_MILLIS = 200;

  /** Where a valid advert goes. */
  interface Accepted {
    void advertisement(Ipv4Address source, VrrpAdvertisement advertisement);
  }

  /** Where a rejected packet goes; {@code source} is null when it could not be read. */
  interface Dropped {
    void packet(String reason, Ipv4Address source, String detail);
  }

  /** Where packets come from: the IPv4 or the IPv6 transport. */
  interface PacketSource {
    byte[] receive(int timeoutMillis) throws IOException;

    /**
     * One packet into the start of {@code into} (cut to its length); its length, or -1 if none came
     * in time. A source that cannot receive in place copies what {@link #receive(int)} gives.
     */
    default int receive(byte[] into, int timeoutMillis) throws IOException {
      return VrrpTransport.copyInto(receive(timeoutMillis), into);
    }

    /** Whether a packet waits to be received; a source that cannot tell says false. */
    default boolean hasUnread() throws IOException {
      return false;
    }

    /** Packets from an IPv4 transport. */
    static PacketSource of(VrrpTransport transport) {
      return new PacketSource() {
        @Override
        public byte[] receive(int timeoutMillis) throws IOException {
          return transport.receive(timeoutMillis);
        }

        @Override
        public int receive(byte[] into, int timeoutMillis) throws IOException {
          return transport.receive(into, timeoutMillis);
        }

        @Override
        public boolean hasUnread() throws IOException {
          return transport.hasUnread();
        }
      };
    }

    /** Packets from a transport's receive and unread check. */
    static PacketSource of(PacketSource receiving, UnreadCheck unread) {
      return new PacketSource() {
        @Override
        public byte[] receive(int timeoutMillis) throws IOException {
          return receiving.receive(timeoutMillis);
        }

        @Override
        public boolean hasUnread() throws IOException {
          return unread.hasUnread();
        }
      };
    }
  }

  /** Whether a packet waits to be received. */
  @FunctionalInterface
  interface UnreadCheck {
    boolean hasUnread() throws IOException;
  }

  /** Turns one packet of the transport's family into the core's view of it. */
  interface PacketDecoder {
    VrrpDecodeResult decode(byte[] packet);

    /** The source to name when a packet is dropped; null when it is not an IPv4 one. */
    Ipv4Address sourceOf(byte[] packet);

    /**
     * True when {@code packet} decodes exactly as the one in the first {@code previousLength} bytes
     * of {@code previous} did; by default, when every byte is equal.
     */
    default boolean repeats(byte[] previous, int previousLength, byte[] packet, int length) {
      return length == previousLength
          && Arrays.equals(previous, 0, previousLength, packet, 0, previousLength);
    }
  }

  private final String name;
  private final PacketSource transport;
  private final TransportConfig transportConfig;
  private volatile PacketDecoder decoder;
  private final Accepted accepted;
  private final Dropped dropped;
  private final AtomicLong received = new AtomicLong();
  private final Thread thread;
  private volatile boolean receiving;

  /** True from a packet's receipt until it was handed on (or dropped). */
  private volatile boolean handling;

  /**
   * Where each packet is received (receiver thread only): as large as an IPv4 packet can be, so
   * none is cut.
   */
  private final byte[] buffer = new byte[65_536];

  /*
   * The last packet accepted, its decoder and result (receiver thread only). A steady master sends
   * the same advert over and over: a packet that repeats it is accepted as it was, without decoding
   * it again, and hands the same objects on, so hearing it allocates nothing.
   */
  private byte[] lastPacket = new byte[0];
  private int lastLength;
  private PacketDecoder lastDecoder;
  private VrrpDecodeResult.Accepted lastAccepted;

  AdvertReceiver(
      String name,
      VrrpTransport transport,
      TransportConfig transportConfig,
      ReceiveExpectations expectations,
      Accepted accepted,
      Dropped dropped) {
    this(name, PacketSource.of(transport), transportConfig, ipv4(expectations), accepted, dropped);
  }

  AdvertReceiver(
      String name,
      PacketSource transport,
      TransportConfig transportConfig,
      PacketDecoder decoder,
      Accepted accepted,
      Dropped dropped) {
    this.name = name;
    this.transport = transport;
    this.transportConfig = transportConfig;
    this.decoder = decoder;
    this.accepted = accepted;
    this.dropped = dropped;
    this.thread = new Thread(this::receiveLoop, "ha4j-vrrp-rx-" + name);
    thread.setDaemon(true);
  }

  void start() {
    receiving = true;
    thread.start();
  }

  /** Stops receiving and waits (bounded) for the thread. */
  void close() {
    receiving = false;
    if (thread.isAlive()) {
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** From the next packet on, decodes and validates with {@code next} (a reconfigure's). */
  void expect(PacketDecoder next) {
    this.decoder = next;
  }

  /**
   * Whether this receiver is behind: a packet is in its hands, not yet handed on, or waits unread
   * in the socket. After a pause of the whole process (a safepoint) both threads resume together,
   * and the protocol thread's Master_Down_Timer can run before this thread has passed on the
   * adverts the master sent meanwhile. Any thread.
   */
  boolean behind() {
    if (handling) {
      return true;
    }
    try {
      return transport.hasUnread();
    } catch (IOException e) {
      return false; // a closed or broken socket holds nothing for us
    }
  }

  /** Valid adverts received (not our own, from an allowed peer). */
  long received() {
    return received.get();
  }

  private void receiveLoop() {
    VrrpThreadPriority.raise(name, "receiver");
    VrrpThreadPriority.raisePauseThreadsIfAsked(name);
    while (receiving) {
      int length;
      try {
        length = transport.receive(buffer, RECEIVE_POLL_MILLIS);
      } catch (IOException e) {
        if (receiving) {
          log.error("({}) receiving failed; no more advertisements will be heard", name, e);
        }
        return;
      }
      if (length >= 0) {
        handling = true;
        try {
          accept(length);
        } finally {
          handling = false;
        }
      }
    }
  }

  /** The packet in the first {@code length} bytes of {@link #buffer}. */
  private void accept(int length) {
    PacketDecoder current = decoder;
    VrrpDecodeResult.Accepted valid;
    if (current == lastDecoder && current.repeats(lastPacket, lastLength, buffer, length)) {
      valid = lastAccepted;
    } else {
      // a packet of its own: the decoder reads a whole array, and the buffer is reused
      byte[] packet = Arrays.copyOf(buffer, length);
      valid = decodeAndCheck(current, packet);
      if (valid == null) {
        return;
      }
      remember(current, packet, valid);
    }
    if (valid.ownerAddressListMismatch()) {
      log.warn(
          "({}) the address owner {} advertises other addresses than ours: check the configuration",
          name,
          valid.source());
    }
    received.incrementAndGet();
    if (log.isDebugEnabled()) {
      log.debug(
          "({}) advert from {} priority {}",
          name,
          valid.source(),
          valid.advertisement().priority());
    }
    accepted.advertisement(valid.source(), valid.advertisement());
  }

  /** The packet's full checks; null when it was dropped (and reported). */
  private VrrpDecodeResult.Accepted decodeAndCheck(PacketDecoder current, byte[] packet) {
    VrrpDecodeResult result = current.decode(packet);
    if (result instanceof VrrpDecodeResult.Rejected rejected) {
      dropped.packet(rejected.reason().name(), current.sourceOf(packet), rejected.detail());
      return null;
    }
    VrrpDecodeResult.Accepted valid = (VrrpDecodeResult.Accepted) result;
    TransportRejection bySource = VrrpTransport.checkSource(transportConfig, valid.source());
    if (bySource != null) {
      dropped.packet(bySource.name(), valid.source(), null);
      return null;
    }
    return valid;
  }

  /** Copies the packet: a transport may hand the same buffer over again with other bytes in it. */
  private void remember(PacketDecoder current, byte[] packet, VrrpDecodeResult.Accepted valid) {
    if (lastPacket.length < packet.length) {
      lastPacket = new byte[packet.length];
    }
    System.arraycopy(packet, 0, lastPacket, 0, packet.length);
    lastLength = packet.length;
    lastDecoder = current;
    lastAccepted = valid;
  }

  static PacketDecoder ipv4(ReceiveExpectations expectations) {
    return new PacketDecoder() {
      @Override
      public VrrpDecodeResult decode(byte[] packet) {
        return VrrpDecoder.decode(packet, expectations);
      }

      @Override
      public Ipv4Address sourceOf(byte[] packet) {
        return packet.length >= 20 ? Ipv4Address.ofBytes(packet, 12) : null;
      }

      @Override
      public boolean repeats(byte[] previous, int previousLength, byte[] packet, int length) {
        return VrrpDecoder.repeats(previous, previousLength, packet, length);
      }
    };
  }
}
