package org.ha4j.vrrp.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The Auth Type byte and the 8 bytes of Authentication Data that every VRRPv2 packet carries (RFC
 * 3768 §5.3.6, §5.3.10).
 *
 * <p>RFC 3768 reserved type 1 (simple text password, from RFC 2338) but keepalived still speaks it
 * as {@code auth_type PASS}, and the reference deployment uses it, so ha4j does too: the password's
 * first 8 bytes, zero padded, exactly as keepalived puts them on the wire. Type 2 (IPsec AH) is not
 * supported.
 */
public final class VrrpAuthentication {

  /** Auth Type 0, RFC 3768 §5.3.6.1. */
  public static final int TYPE_NONE = 0;

  /** Auth Type 1, the RFC 2338 simple text password, keepalived's {@code auth_type PASS}. */
  public static final int TYPE_SIMPLE_PASSWORD = 1;

  /**
   * Auth Type 2, RFC 2338 IP Authentication Header; reserved in RFC 3768, keepalived's {@code AH}.
   */
  public static final int TYPE_IP_AH = 2;

  /** Length of the Authentication Data field, always present in v2. */
  public static final int DATA_LENGTH = 8;

  private static final VrrpAuthentication NONE =
      new VrrpAuthentication(TYPE_NONE, new byte[DATA_LENGTH]);

  private final int type;
  private final byte[] data;

  private VrrpAuthentication(int type, byte[] data) {
    this.type = type;
    this.data = data;
  }

  /** No authentication: type 0, data all zero on transmit and ignored on receipt. */
  public static VrrpAuthentication none() {
    return NONE;
  }

  /**
   * keepalived's {@code auth_pass}: UTF-8 bytes, only the first 8 used, zero padded. An empty
   * password is refused because keepalived refuses it too.
   */
  public static VrrpAuthentication password(String password) {
    byte[] utf8 = password.getBytes(StandardCharsets.UTF_8);
    if (utf8.length == 0) {
      throw new IllegalArgumentException("auth_pass must not be empty");
    }
    return new VrrpAuthentication(TYPE_SIMPLE_PASSWORD, Arrays.copyOf(utf8, DATA_LENGTH));
  }

  /** Type and data as read from the wire; the data array is copied. */
  public static VrrpAuthentication fromWire(int type, byte[] source, int offset) {
    if (type < 0 || type > 255) {
      throw new IllegalArgumentException("auth type must be 0-255, got " + type);
    }
    if (type == TYPE_NONE) {
      return NONE;
    }
    return new VrrpAuthentication(type, Arrays.copyOfRange(source, offset, offset + DATA_LENGTH));
  }

  public int type() {
    return type;
  }

  /** A copy of the 8 data bytes. */
  public byte[] data() {
    return data.clone();
  }

  /** Writes the 8 data bytes at {@code offset}. */
  public void writeDataTo(byte[] target, int offset) {
    System.arraycopy(data, 0, target, offset, DATA_LENGTH);
  }

  /**
   * Whether a received packet passes this (locally configured) authentication, per RFC 3768 §7.1:
   * the type must match; for a password the 8 bytes must match, compared in constant time so timing
   * reveals nothing about how much of a guess was right; for type 0 the data is ignored.
   */
  public boolean accepts(VrrpAuthentication received) {
    if (received.type != type) {
      return false;
    }
    return type == TYPE_NONE || MessageDigest.isEqual(data, received.data);
  }

  /**
   * Whether the 8 Authentication Data bytes at {@code offset} of a received packet equal this
   * authentication's data, without copying them. The comparison always reads all 8 bytes, so its
   * duration does not depend on where the first difference is (the receive path of RFC 3768 §7.1;
   * keepalived compares the password in constant time too). The type is not compared here.
   *
   * @throws IndexOutOfBoundsException when fewer than 8 bytes follow {@code offset}
   */
  public boolean dataMatches(byte[] source, int offset) {
    Objects.checkFromIndexSize(offset, DATA_LENGTH, source.length);
    int difference = 0;
    for (int i = 0; i < DATA_LENGTH; i++) {
      difference |= data[i] ^ source[offset + i];
    }
    return difference == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VrrpAuthentication other
        && other.type == type
        && Arrays.equals(other.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(data);
  }

  /** Never prints the password itself. */
  @Override
  public String toString() {
    return switch (type) {
      case TYPE_NONE -> "none";
      case TYPE_SIMPLE_PASSWORD -> "PASS";
      case TYPE_IP_AH -> "AH";
      default -> "unknown(" + type + ", " + HexFormat.of().formatHex(data) + ")";
    };
  }
}
