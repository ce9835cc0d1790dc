package org.ha4j.core.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.ha4j.core.linux.LinuxConstants.In6;
import org.ha4j.core.net.IpAddress;

/**
 * The native memory one {@code recvmsg(2)} on an IPv6 socket fills: a {@code struct msghdr}
 * pointing at one iovec (the payload), a {@code sockaddr_in6} (the source) and a control buffer
 * (the {@code IPV6_HOPLIMIT} and {@code IPV6_PKTINFO} ancillary data). Allocated once per socket
 * and reused, so a receive allocates only its result. Not thread-safe: one receiving thread.
 */
final class Ipv6MessageBuffers {

  private static final int CONTROL_SIZE = 128;

  private final Memory message = new Memory(Structs.MSGHDR_SIZE);
  private final Memory iovec = new Memory(Structs.IOVEC_SIZE);
  private final Memory name = new Memory(Structs.SOCKADDR_IN6_SIZE);
  private final Memory control = new Memory(CONTROL_SIZE);
  private final Memory data;
  private final byte[] address = new byte[16];

  Ipv6MessageBuffers(int capacity) {
    data = new Memory(capacity);
    message.clear();
    iovec.setPointer(0, data);
    iovec.setLong(8, capacity);
    message.setPointer(Structs.MSGHDR_NAME, name);
    message.setPointer(Structs.MSGHDR_IOV, iovec);
    message.setLong(Structs.MSGHDR_IOVLEN, 1);
    message.setPointer(Structs.MSGHDR_CONTROL, control);
  }

  /** The {@code struct msghdr} to pass, its in-out lengths reset for the next call. */
  Pointer prepare() {
    message.setInt(Structs.MSGHDR_NAMELEN, Structs.SOCKADDR_IN6_SIZE);
    message.setLong(Structs.MSGHDR_CONTROLLEN, CONTROL_SIZE);
    return message;
  }

  /**
   * Copies what one call received into {@code buffer} and reads the header fields.
   *
   * @param length what recvmsg returned
   */
  RawIpv6Socket.Received read(int length, byte[] buffer) {
    int copied = Math.min(length, Math.min(buffer.length, (int) data.size()));
    data.read(0, buffer, 0, copied);
    name.read(8, address, 0, 16);
    IpAddress source = IpAddress.ofBytes(address);
    IpAddress destination = null;
    int hopLimit = -1;
    long controlLength = message.getLong(Structs.MSGHDR_CONTROLLEN);
    int offset = 0;
    while (offset + Structs.CMSGHDR_SIZE <= controlLength) {
      long cmsgLength = control.getLong(offset);
      if (cmsgLength < Structs.CMSGHDR_SIZE || offset + cmsgLength > controlLength) {
        break;
      }
      int level = control.getInt(offset + 8);
      int type = control.getInt(offset + 12);
      int dataOffset = offset + Structs.CMSGHDR_SIZE;
      if (level == In6.IPPROTO_IPV6 && type == In6.IPV6_HOPLIMIT) {
        hopLimit = control.getInt(dataOffset);
      } else if (level == In6.IPPROTO_IPV6 && type == In6.IPV6_PKTINFO) {
        control.read(dataOffset, address, 0, 16);
        destination = IpAddress.ofBytes(address);
      }
      offset += Structs.cmsgAlign(cmsgLength);
    }
    return new RawIpv6Socket.Received(copied, source, destination, hopLimit);
  }
}
