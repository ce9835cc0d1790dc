package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.ha4j.core.net.IpAddress;
import org.ha4j.core.net.IpCidr;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 structs and rtnetlink messages, byte for byte as {@code <linux/in6.h>}, {@code
 * <linux/if_addr.h>} and {@code ip -6 addr add ... nodad} lay them out.
 */
class Ipv6NativeLayoutTest {

  private static final IpAddress VIP = IpAddress.parse("fd00:200::100");

  @Test
  void sockaddrIn6IsFamilyPortFlowAddressScope() {
    byte[] sockaddr = Structs.sockaddrIn6(IpAddress.parse("fe80::1"), 7);
    ByteBuffer buffer = Structs.hostOrder(sockaddr);
    assertThat(sockaddr).hasSize(28);
    assertThat(buffer.getShort(0)).isEqualTo((short) 10); // AF_INET6
    assertThat(buffer.getShort(2)).isZero(); // port
    assertThat(buffer.getInt(4)).isZero(); // flow info
    assertThat(sockaddr[8]).isEqualTo((byte) 0xfe);
    assertThat(sockaddr[9]).isEqualTo((byte) 0x80);
    assertThat(sockaddr[23]).isEqualTo((byte) 1);
    assertThat(buffer.getInt(24)).isEqualTo(7); // sin6_scope_id
  }

  @Test
  void ipv6MreqIsGroupThenInterfaceIndex() {
    byte[] mreq = Structs.ipv6Mreq(IpAddress.parse("ff02::12"), 3);
    assertThat(mreq).hasSize(20);
    assertThat(Arrays.copyOfRange(mreq, 0, 16)).isEqualTo(IpAddress.parse("ff02::12").toBytes());
    assertThat(Structs.hostOrder(mreq).getInt(16)).isEqualTo(3);
  }

  @Test
  void msghdrAndCmsgAreTheLp64Layouts() {
    assertThat(Structs.MSGHDR_SIZE).isEqualTo(56);
    assertThat(Structs.MSGHDR_IOV).isEqualTo(16);
    assertThat(Structs.MSGHDR_CONTROL).isEqualTo(32);
    assertThat(Structs.MSGHDR_CONTROLLEN).isEqualTo(40);
    assertThat(Structs.CMSGHDR_SIZE).isEqualTo(16);
    assertThat(Structs.cmsgAlign(20)).isEqualTo(24);
    assertThat(LinuxConstants.In6.IPV6_HOPLIMIT).isEqualTo(52);
    assertThat(LinuxConstants.In6.IPV6_PKTINFO).isEqualTo(50);
  }

  @Test
  void addIpv6AddressIsIfaddrmsgWithNodadAndBothAddressAttributes() {
    byte[] message = NetlinkMessages.addIpv6Address(9, 4, new IpCidr(VIP, 64));
    ByteBuffer buffer = Structs.hostOrder(message);
    // nlmsghdr 16 + ifaddrmsg 8 + IFA_LOCAL (4 + 16) + IFA_ADDRESS (4 + 16)
    assertThat(message).hasSize(16 + 8 + 20 + 20);
    assertThat(buffer.getShort(4)).isEqualTo((short) 20); // RTM_NEWADDR
    assertThat(buffer.getShort(6)).isEqualTo((short) (0x01 | 0x04 | 0x400 | 0x200));
    assertThat(message[16]).isEqualTo((byte) 10); // AF_INET6
    assertThat(message[17]).isEqualTo((byte) 64);
    assertThat(message[18]).isEqualTo((byte) 0x02); // IFA_F_NODAD
    assertThat(message[19]).isEqualTo((byte) 0); // RT_SCOPE_UNIVERSE
    assertThat(buffer.getInt(20)).isEqualTo(4);
    assertThat(buffer.getShort(24)).isEqualTo((short) 20);
    assertThat(buffer.getShort(26)).isEqualTo((short) 2); // IFA_LOCAL
    assertThat(Arrays.copyOfRange(message, 28, 44)).isEqualTo(VIP.toBytes());
    assertThat(buffer.getShort(46)).isEqualTo((short) 1); // IFA_ADDRESS
    assertThat(Arrays.copyOfRange(message, 48, 64)).isEqualTo(VIP.toBytes());
  }

  @Test
  void removeIpv6AddressIsAnAcknowledgedDelete() {
    byte[] message = NetlinkMessages.removeIpv6Address(9, 4, new IpCidr(VIP, 128));
    ByteBuffer buffer = Structs.hostOrder(message);
    assertThat(buffer.getShort(4)).isEqualTo((short) 21); // RTM_DELADDR
    assertThat(buffer.getShort(6)).isEqualTo((short) (0x01 | 0x04));
    assertThat(message[17]).isEqualTo((byte) 128);
  }

  @Test
  void parsesAnIpv6AddressAndItsTentativeFlag() {
    byte[] request = NetlinkMessages.addIpv6Address(1, 5, new IpCidr(VIP, 64));
    List<NetlinkMessages.Message> messages = NetlinkMessages.split(request, request.length);
    assertThat(NetlinkMessages.parseIpv6Address(messages.get(0)))
        .isEqualTo(new InterfaceIpv6Address(5, new IpCidr(VIP, 64), false));
    request[18] = 0x40; // IFA_F_TENTATIVE: duplicate address detection still running
    assertThat(NetlinkMessages.parseIpv6Address(messages.get(0)).tentative()).isTrue();
    assertThat(NetlinkMessages.parseAddress(messages.get(0))).isNull(); // not IPv4
  }

  @Test
  void theLinkLocalPrefixIsFe80Slash10() {
    assertThat(new InterfaceIpv6Address(1, IpCidr.parse("fe80::1/64"), false).isLinkLocal())
        .isTrue();
    assertThat(new InterfaceIpv6Address(1, IpCidr.parse("fd00:200::1/64"), false).isLinkLocal())
        .isFalse();
  }
}
