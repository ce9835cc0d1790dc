package org.ha4j.core.linux;

import java.io.IOException;
import org.ha4j.core.linux.LinuxConstants.Socket;

/** {@link PacketSocket} on a real descriptor. */
final class NativePacketSocket implements PacketSocket {

  private final NativeSocket socket;

  NativePacketSocket() throws NativeCallException {
    // Protocol 0: the socket receives nothing, so no frames pile up in a queue nobody reads
    // (packet(7)).
    this.socket =
        NativeSocket.open(
            Socket.AF_PACKET,
            Socket.SOCK_RAW,
            0,
            "socket(AF_PACKET, SOCK_RAW, 0)",
            Capability.CAP_NET_RAW);
  }

  @Override
  public void send(int interfaceIndex, byte[] destinationAddress, int etherType, byte[] frame)
      throws IOException {
    socket.sendTo(
        frame,
        frame.length,
        Structs.sockaddrLl(etherType, interfaceIndex, destinationAddress),
        "ifindex " + interfaceIndex,
        Capability.CAP_NET_RAW);
  }

  @Override
  public void close() {
    socket.close();
  }
}
