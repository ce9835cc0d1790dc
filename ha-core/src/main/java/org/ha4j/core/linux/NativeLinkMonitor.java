package org.ha4j.core.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.linux.LinuxConstants.Netlink;
import org.ha4j.core.linux.LinuxConstants.Rtnetlink;
import org.ha4j.core.linux.LinuxConstants.Socket;

/** {@link LinkMonitor} on a {@code NETLINK_ROUTE} socket subscribed to {@code RTMGRP_LINK}. */
final class NativeLinkMonitor implements LinkMonitor {

  private final NativeSocket socket;
  private final byte[] buffer = new byte[64 * 1024];

  NativeLinkMonitor() throws IOException {
    this.socket =
        NativeSocket.open(
            Socket.AF_NETLINK,
            Socket.SOCK_RAW,
            Netlink.NETLINK_ROUTE,
            "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)",
            null);
    try {
      socket.bind(Structs.sockaddrNl(0, Rtnetlink.RTMGRP_LINK), "netlink groups RTMGRP_LINK");
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  @Override
  public List<LinkInfo> poll(int timeoutMillis) throws IOException {
    int length = socket.receive(buffer, timeoutMillis);
    List<LinkInfo> links = new ArrayList<>();
    if (length <= 0) {
      return links;
    }
    byte[] datagram = java.util.Arrays.copyOf(buffer, length);
    for (NetlinkMessages.Message message : NetlinkMessages.split(datagram, length)) {
      if (message.type() == Rtnetlink.RTM_NEWLINK || message.type() == Rtnetlink.RTM_DELLINK) {
        LinkInfo link = NetlinkMessages.parseLink(message);
        if (link != null) {
          links.add(link);
        }
      }
    }
    return links;
  }

  @Override
  public void close() {
    socket.close();
  }
}
