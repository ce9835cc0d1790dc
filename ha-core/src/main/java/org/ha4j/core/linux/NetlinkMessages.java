package org.ha4j.core.linux;

import static org.ha4j.core.linux.LinuxConstants.Netlink.NLMSG_HDRLEN;
import static org.ha4j.core.linux.LinuxConstants.Rtnetlink.IFADDRMSG_LEN;
import static org.ha4j.core.linux.LinuxConstants.Rtnetlink.IFINFOMSG_LEN;
import static org.ha4j.core.linux.LinuxConstants.Rtnetlink.RTA_HDRLEN;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.linux.LinuxConstants.Netlink;
import org.ha4j.core.linux.LinuxConstants.Rtnetlink;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;

/**
 * Builds and parses rtnetlink messages (netlink(7), rtnetlink(7)) as byte arrays in host byte
 * order: {@code struct nlmsghdr} (16 bytes), then {@code struct ifaddrmsg} (8) or {@code struct
 * ifinfomsg} (16), then attributes ({@code struct rtattr}, 4-byte header, each padded to 4 bytes).
 * Pure: no I/O.
 */
final class NetlinkMessages {

  private NetlinkMessages() {}

  /** {@code NLMSG_ALIGN} / {@code RTA_ALIGN}: round up to a multiple of 4. */
  static int align(int length) {
    return (length + 3) & ~3;
  }

  /** A message under construction: header fields, a fixed family struct, attributes. */
  static final class Builder {
    private final int type;
    private final int flags;
    private final int sequence;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Builder(int type, int flags, int sequence) {
      this.type = type;
      this.flags = flags;
      this.sequence = sequence;
    }

    Builder raw(byte[] bytes) {
      body.writeBytes(bytes);
      int padding = align(bytes.length) - bytes.length;
      body.writeBytes(new byte[padding]);
      return this;
    }

    Builder attribute(int attributeType, byte[] payload) {
      byte[] header = new byte[RTA_HDRLEN];
      ByteBuffer buffer = Structs.hostOrder(header);
      buffer.putShort(0, (short) (RTA_HDRLEN + payload.length));
      buffer.putShort(2, (short) attributeType);
      body.writeBytes(header);
      return raw(payload);
    }

    byte[] build() {
      byte[] payload = body.toByteArray();
      byte[] message = new byte[NLMSG_HDRLEN + payload.length];
      ByteBuffer buffer = Structs.hostOrder(message);
      buffer.putInt(0, message.length);
      buffer.putShort(4, (short) type);
      buffer.putShort(6, (short) flags);
      buffer.putInt(8, sequence);
      buffer.putInt(12, 0);
      System.arraycopy(payload, 0, message, NLMSG_HDRLEN, payload.length);
      return message;
    }
  }

  /** {@code struct ifaddrmsg {u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index;}}. */
  static byte[] ifaddrmsg(int prefixLength, int scope, int interfaceIndex) {
    return ifaddrmsg(LinuxConstants.Socket.AF_INET, prefixLength, 0, scope, interfaceIndex);
  }

  static byte[] ifaddrmsg(int family, int prefixLength, int flags, int scope, int interfaceIndex) {
    byte[] bytes = new byte[IFADDRMSG_LEN];
    bytes[0] = (byte) family;
    bytes[1] = (byte) prefixLength;
    bytes[2] = (byte) flags;
    bytes[3] = (byte) scope;
    Structs.hostOrder(bytes).putInt(4, interfaceIndex);
    return bytes;
  }

  /** {@code struct ifinfomsg {u8 family; u8 pad; u16 type; i32 index; u32 flags; u32 change;}}. */
  static byte[] ifinfomsg(int interfaceIndex) {
    byte[] bytes = new byte[IFINFOMSG_LEN];
    bytes[0] = 0; // AF_UNSPEC: every family
    Structs.hostOrder(bytes).putInt(4, interfaceIndex);
    return bytes;
  }

  static byte[] dumpLinks(int sequence) {
    return new Builder(Rtnetlink.RTM_GETLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP, sequence)
        .raw(ifinfomsg(0))
        .build();
  }

  static byte[] dumpAddresses(int sequence) {
    return dumpAddresses(sequence, LinuxConstants.Socket.AF_INET);
  }

  static byte[] dumpAddresses(int sequence, int family) {
    return new Builder(Rtnetlink.RTM_GETADDR, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP, sequence)
        .raw(ifaddrmsg(family, 0, 0, 0, 0))
        .build();
  }

  /**
   * RTM_NEWADDR as {@code ip addr add A/N dev IF [label L]} sends it: IFA_LOCAL and IFA_ADDRESS
   * both A.
   */
  static byte[] addAddress(int sequence, int interfaceIndex, Ipv4Cidr address, String label) {
    Builder builder =
        new Builder(
                Rtnetlink.RTM_NEWADDR,
                Netlink.NLM_F_REQUEST
                    | Netlink.NLM_F_ACK
                    | Netlink.NLM_F_CREATE
                    | Netlink.NLM_F_EXCL,
                sequence)
            .raw(ifaddrmsg(address.prefixLength(), Rtnetlink.RT_SCOPE_UNIVERSE, interfaceIndex))
            .attribute(Rtnetlink.IFA_LOCAL, address.address().toBytes())
            .attribute(Rtnetlink.IFA_ADDRESS, address.address().toBytes());
    if (label != null) {
      builder.attribute(Rtnetlink.IFA_LABEL, Structs.cString(label));
    }
    return builder.build();
  }

  static byte[] removeAddress(int sequence, int interfaceIndex, Ipv4Cidr address) {
    return new Builder(Rtnetlink.RTM_DELADDR, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, sequence)
        .raw(ifaddrmsg(address.prefixLength(), Rtnetlink.RT_SCOPE_UNIVERSE, interfaceIndex))
        .attribute(Rtnetlink.IFA_LOCAL, address.address().toBytes())
        .attribute(Rtnetlink.IFA_ADDRESS, address.address().toBytes())
        .build();
  }

  /**
   * RTM_NEWADDR for an IPv6 address as keepalived adds a VIP: IFA_LOCAL and IFA_ADDRESS both A, and
   * IFA_F_NODAD so the address is usable at once instead of tentative for the duplicate address
   * detection's second or more (the VIP moves between routers; a tentative one would not answer the
   * clients the neighbour advertisement just redirected).
   */
  static byte[] addIpv6Address(int sequence, int interfaceIndex, IpCidr address) {
    return ipv6AddressMessage(
        Rtnetlink.RTM_NEWADDR,
        Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL,
        sequence,
        interfaceIndex,
        address);
  }

  static byte[] removeIpv6Address(int sequence, int interfaceIndex, IpCidr address) {
    return ipv6AddressMessage(
        Rtnetlink.RTM_DELADDR,
        Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK,
        sequence,
        interfaceIndex,
        address);
  }

  private static byte[] ipv6AddressMessage(
      int type, int flags, int sequence, int interfaceIndex, IpCidr address) {
    if (!address.address().isIpv6()) {
      throw new IllegalArgumentException("an IPv6 address is needed, got " + address);
    }
    return new Builder(type, flags, sequence)
        .raw(
            ifaddrmsg(
                LinuxConstants.Socket.AF_INET6,
                address.prefixLength(),
                Rtnetlink.IFA_F_NODAD,
                Rtnetlink.RT_SCOPE_UNIVERSE,
                interfaceIndex))
        .attribute(Rtnetlink.IFA_LOCAL, address.address().toBytes())
        .attribute(Rtnetlink.IFA_ADDRESS, address.address().toBytes())
        .build();
  }

  /** Parses an RTM_NEWADDR payload; null for a family other than IPv6. */
  static InterfaceIpv6Address parseIpv6Address(Message message) {
    byte[] bytes = message.datagram();
    int base = message.payloadOffset();
    if (message.payloadLength() < IFADDRMSG_LEN || bytes[base] != LinuxConstants.Socket.AF_INET6) {
      return null;
    }
    int prefixLength = Byte.toUnsignedInt(bytes[base + 1]);
    int[] flags = {Byte.toUnsignedInt(bytes[base + 2])};
    int index = Structs.hostOrder(bytes).getInt(base + 4);
    IpAddress[] address = new IpAddress[2];
    attributes(
        bytes,
        base + IFADDRMSG_LEN,
        message.payloadLength() - IFADDRMSG_LEN,
        (type, offset, length) -> {
          if (type == Rtnetlink.IFA_LOCAL && length == 16) {
            address[0] =
                IpAddress.ofBytes(java.util.Arrays.copyOfRange(bytes, offset, offset + 16));
          } else if (type == Rtnetlink.IFA_ADDRESS && length == 16) {
            address[1] =
                IpAddress.ofBytes(java.util.Arrays.copyOfRange(bytes, offset, offset + 16));
          } else if (type == Rtnetlink.IFA_FLAGS && length == 4) {
            // the 32-bit flags, when present, supersede ifaddrmsg's 8 bits
            flags[0] = Structs.hostOrder(bytes).getInt(offset);
          }
        });
    IpAddress chosen = address[0] != null ? address[0] : address[1];
    if (chosen == null) {
      return null;
    }
    return new InterfaceIpv6Address(
        index,
        new IpCidr(chosen, prefixLength),
        (flags[0] & (Rtnetlink.IFA_F_TENTATIVE | Rtnetlink.IFA_F_DADFAILED)) != 0);
  }

  /** One message of a received datagram: header fields and where its payload lies. */
  record Message(
      int type, int flags, int sequence, byte[] datagram, int payloadOffset, int payloadLength) {

    /** For NLMSG_ERROR: the error code, 0 for an ACK, otherwise a negated errno. */
    int error() {
      return Structs.hostOrder(datagram).getInt(payloadOffset);
    }
  }

  /**
   * Splits a datagram into its messages; stops at a malformed length rather than reading past the
   * end.
   */
  static List<Message> split(byte[] datagram, int length) {
    List<Message> messages = new ArrayList<>();
    ByteBuffer buffer = Structs.hostOrder(datagram);
    int offset = 0;
    while (offset + NLMSG_HDRLEN <= length) {
      int messageLength = buffer.getInt(offset);
      if (messageLength < NLMSG_HDRLEN || offset + messageLength > length) {
        break;
      }
      int type = Short.toUnsignedInt(buffer.getShort(offset + 4));
      int flags = Short.toUnsignedInt(buffer.getShort(offset + 6));
      int sequence = buffer.getInt(offset + 8);
      messages.add(
          new Message(
              type,
              flags,
              sequence,
              datagram,
              offset + NLMSG_HDRLEN,
              messageLength - NLMSG_HDRLEN));
      offset += align(messageLength);
    }
    return messages;
  }

  /** Calls {@code visitor} for each attribute in {@code [offset, offset+length)}. */
  static void attributes(byte[] bytes, int offset, int length, AttributeVisitor visitor) {
    ByteBuffer buffer = Structs.hostOrder(bytes);
    int end = offset + length;
    int position = offset;
    while (position + RTA_HDRLEN <= end) {
      int attributeLength = Short.toUnsignedInt(buffer.getShort(position));
      int attributeType =
          Short.toUnsignedInt(buffer.getShort(position + 2)) & 0x3fff; // strip NLA_F_* bits
      if (attributeLength < RTA_HDRLEN || position + attributeLength > end) {
        return;
      }
      visitor.visit(attributeType, position + RTA_HDRLEN, attributeLength - RTA_HDRLEN);
      position += align(attributeLength);
    }
  }

  @FunctionalInterface
  interface AttributeVisitor {
    void visit(int type, int offset, int length);
  }

  /** Parses an RTM_NEWADDR/RTM_DELADDR payload; null for a family other than IPv4. */
  static InterfaceAddress parseAddress(Message message) {
    byte[] bytes = message.datagram();
    int base = message.payloadOffset();
    if (message.payloadLength() < IFADDRMSG_LEN || bytes[base] != LinuxConstants.Socket.AF_INET) {
      return null;
    }
    int prefixLength = Byte.toUnsignedInt(bytes[base + 1]);
    int flags = Byte.toUnsignedInt(bytes[base + 2]);
    int index = Structs.hostOrder(bytes).getInt(base + 4);
    Ipv4Address[] local = new Ipv4Address[1];
    Ipv4Address[] address = new Ipv4Address[1];
    String[] label = {""};
    attributes(
        bytes,
        base + IFADDRMSG_LEN,
        message.payloadLength() - IFADDRMSG_LEN,
        (type, offset, length) -> {
          if (type == Rtnetlink.IFA_LOCAL && length == 4) {
            local[0] = Ipv4Address.ofBytes(bytes, offset);
          } else if (type == Rtnetlink.IFA_ADDRESS && length == 4) {
            address[0] = Ipv4Address.ofBytes(bytes, offset);
          } else if (type == Rtnetlink.IFA_LABEL) {
            label[0] = cString(bytes, offset, length);
          }
        });
    Ipv4Address chosen = local[0] != null ? local[0] : address[0];
    if (chosen == null) {
      return null;
    }
    return new InterfaceAddress(
        index,
        new Ipv4Cidr(chosen, prefixLength),
        label[0],
        (flags & Rtnetlink.IFA_F_SECONDARY) != 0);
  }

  /** Parses an RTM_NEWLINK/RTM_DELLINK payload. */
  static LinkInfo parseLink(Message message) {
    byte[] bytes = message.datagram();
    int base = message.payloadOffset();
    if (message.payloadLength() < IFINFOMSG_LEN) {
      return null;
    }
    ByteBuffer buffer = Structs.hostOrder(bytes);
    int index = buffer.getInt(base + 4);
    int flags = buffer.getInt(base + 8);
    String[] name = {""};
    byte[][] mac = {new byte[0]};
    attributes(
        bytes,
        base + IFINFOMSG_LEN,
        message.payloadLength() - IFINFOMSG_LEN,
        (type, offset, length) -> {
          if (type == Rtnetlink.IFLA_IFNAME) {
            name[0] = cString(bytes, offset, length);
          } else if (type == Rtnetlink.IFLA_ADDRESS) {
            mac[0] = java.util.Arrays.copyOfRange(bytes, offset, offset + length);
          }
        });
    return new LinkInfo(index, name[0], mac[0], flags, message.type() == Rtnetlink.RTM_DELLINK);
  }

  private static String cString(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, offset, end - offset, StandardCharsets.US_ASCII);
  }
}
