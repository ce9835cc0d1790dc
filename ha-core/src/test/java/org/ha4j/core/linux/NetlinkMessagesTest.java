package org.ha4j.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.ha4j.core.net.Ipv4Cidr;
import org.junit.jupiter.api.Test;

class NetlinkMessagesTest {

  @Test
  void addAddressIsHeaderIfaddrmsgAndPaddedAttributes() {
    byte[] message =
        NetlinkMessages.addAddress(7, 3, Ipv4Cidr.parse("10.200.0.100/24"), "eth0:vip");
    ByteBuffer buffer = Structs.hostOrder(message);
    // nlmsghdr 16 + ifaddrmsg 8 + IFA_LOCAL 8 + IFA_ADDRESS 8 + IFA_LABEL (4 + 9 -> 16)
    assertThat(message).hasSize(16 + 8 + 8 + 8 + 16);
    assertThat(buffer.getInt(0)).isEqualTo(message.length);
    assertThat(buffer.getShort(4)).isEqualTo((short) 20); // RTM_NEWADDR
    assertThat(buffer.getShort(6)).isEqualTo((short) (0x01 | 0x04 | 0x400 | 0x200));
    assertThat(buffer.getInt(8)).isEqualTo(7);
    // ifaddrmsg
    assertThat(message[16]).isEqualTo((byte) 2);
    assertThat(message[17]).isEqualTo((byte) 24);
    assertThat(buffer.getInt(20)).isEqualTo(3);
    // IFA_LOCAL
    assertThat(buffer.getShort(24)).isEqualTo((short) 8);
    assertThat(buffer.getShort(26)).isEqualTo((short) 2);
    assertThat(java.util.Arrays.copyOfRange(message, 28, 32)).containsExactly(10, 200, 0, 100);
    // IFA_LABEL: length counts the unpadded payload
    assertThat(buffer.getShort(40)).isEqualTo((short) (4 + 9));
    assertThat(buffer.getShort(42)).isEqualTo((short) 3);
  }

  @Test
  void parsesWhatItBuildsAsAnAddressMessage() {
    byte[] request = NetlinkMessages.addAddress(1, 5, Ipv4Cidr.parse("10.200.0.11/24"), "eth0");
    List<NetlinkMessages.Message> messages = NetlinkMessages.split(request, request.length);
    assertThat(messages).hasSize(1);
    InterfaceAddress address = NetlinkMessages.parseAddress(messages.get(0));
    assertThat(address)
        .isEqualTo(new InterfaceAddress(5, Ipv4Cidr.parse("10.200.0.11/24"), "eth0", false));
  }

  @Test
  void splitStopsAtATruncatedMessageInsteadOfReadingPastTheEnd() {
    byte[] request = NetlinkMessages.dumpLinks(1);
    assertThat(NetlinkMessages.split(request, request.length - 1)).isEmpty();
    byte[] two = new byte[request.length * 2];
    System.arraycopy(request, 0, two, 0, request.length);
    System.arraycopy(request, 0, two, request.length, request.length);
    assertThat(NetlinkMessages.split(two, two.length)).hasSize(2);
  }

  @Test
  void parsesALinkMessage() {
    byte[] message =
        new NetlinkMessages.Builder(16, 0, 9)
            .raw(linkHeader(4, 0x1 | 0x40))
            .attribute(3, Structs.cString("eth0"))
            .attribute(1, new byte[] {2, 0, 0, 0, 0, 1})
            .build();
    LinkInfo link =
        NetlinkMessages.parseLink(NetlinkMessages.split(message, message.length).get(0));
    assertThat(link.index()).isEqualTo(4);
    assertThat(link.name()).isEqualTo("eth0");
    assertThat(link.hardwareAddressText()).isEqualTo("02:00:00:00:00:01");
    assertThat(link.isUp()).isTrue();
    assertThat(link.deleted()).isFalse();
  }

  @Test
  void aLinkWithoutCarrierIsDown() {
    byte[] message = new NetlinkMessages.Builder(16, 0, 9).raw(linkHeader(4, 0x1)).build();
    assertThat(
            NetlinkMessages.parseLink(NetlinkMessages.split(message, message.length).get(0)).isUp())
        .isFalse();
  }

  private static byte[] linkHeader(int index, int flags) {
    byte[] header = NetlinkMessages.ifinfomsg(index);
    Structs.hostOrder(header).putInt(8, flags);
    return header;
  }
}
