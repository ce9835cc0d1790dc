package org.ha4j.vrrp.net;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.ha4j.core.net.Ipv4Address;

/**
 * Hand-built VRRPv2 messages for integration tests, including deliberately broken ones, written
 * from RFC 3768 §5.3 independently of the production codec so a shared mistake cannot hide.
 */
public final class TestAdverts {

  private TestAdverts() {}

  /** A valid advertisement; {@code password} null means auth type 0. */
  public static byte[] advert(
      int vrid, int priority, String password, int intervalSeconds, List<Ipv4Address> vips) {
    byte[] message = new byte[8 + 4 * vips.size() + 8];
    message[0] = 0x21; // version 2, type 1
    message[1] = (byte) vrid;
    message[2] = (byte) priority;
    message[3] = (byte) vips.size();
    message[4] = (byte) (password == null ? 0 : 1);
    message[5] = (byte) intervalSeconds;
    for (int i = 0; i < vips.size(); i++) {
      vips.get(i).writeTo(message, 8 + 4 * i);
    }
    if (password != null) {
      byte[] bytes = Arrays.copyOf(password.getBytes(StandardCharsets.UTF_8), 8);
      System.arraycopy(bytes, 0, message, 8 + 4 * vips.size(), 8);
    }
    int checksum = checksum(message);
    message[6] = (byte) (checksum >> 8);
    message[7] = (byte) checksum;
    return message;
  }

  /** RFC 1071 one's complement sum, carries folded until none is left. */
  public static int checksum(byte[] message) {
    long sum = 0;
    for (int i = 0; i + 1 < message.length; i += 2) {
      sum += (message[i] & 0xff) << 8 | (message[i + 1] & 0xff);
    }
    if (message.length % 2 == 1) {
      sum += (message[message.length - 1] & 0xff) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  public static byte[] withBadChecksum(byte[] message) {
    byte[] copy = message.clone();
    copy[7] ^= 0x5a;
    return copy;
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
