package org.ha4j.core.linux;

import java.io.Closeable;
import java.io.IOException;

/**
 * A send-only {@code AF_PACKET}/{@code SOCK_RAW} socket (packet(7)): whole Ethernet frames, header
 * included, out of one interface, e.g. gratuitous ARP. Opened with protocol 0 so the kernel queues
 * no received frames to it. Needs {@link Capability#CAP_NET_RAW}.
 */
public interface PacketSocket extends Closeable {

  /**
   * Sends one frame.
   *
   * @param interfaceIndex where to send it
   * @param destinationAddress the destination hardware address (also in the frame's own header)
   * @param etherType the frame's EtherType, e.g. 0x0806 for ARP
   * @param frame the complete Ethernet frame
   */
  void send(int interfaceIndex, byte[] destinationAddress, int etherType, byte[] frame)
      throws IOException;

  @Override
  void close();
}
