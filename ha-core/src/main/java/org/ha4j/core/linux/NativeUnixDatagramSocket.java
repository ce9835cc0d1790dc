package org.ha4j.core.linux;

import java.io.IOException;
import org.ha4j.core.linux.LinuxConstants.Socket;

/** {@link UnixDatagramSocket} on a real descriptor. */
final class NativeUnixDatagramSocket implements UnixDatagramSocket {

  private final NativeSocket socket;

  NativeUnixDatagramSocket() throws NativeCallException {
    this.socket =
        NativeSocket.open(
            Socket.AF_UNIX, Socket.SOCK_DGRAM, 0, "socket(AF_UNIX, SOCK_DGRAM)", null);
  }

  @Override
  public void bind(String name) throws IOException {
    socket.bind(Structs.sockaddrUn(name), name);
  }

  @Override
  public void send(String name, byte[] datagram) throws IOException {
    socket.sendTo(datagram, datagram.length, Structs.sockaddrUn(name), name, null);
  }

  @Override
  public int receive(byte[] buffer, int timeoutMillis) throws IOException {
    return socket.receive(buffer, timeoutMillis);
  }

  @Override
  public void close() {
    socket.close();
  }
}
