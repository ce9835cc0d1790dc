package org.ha4j.vrrp.codec;

/**
 * The Internet checksum of RFC 1071, used twice by a VRRPv2 packet: over the IPv4 header (RFC 791
 * §3.1) and over the VRRP message (RFC 3768 §5.3.8, no pseudo-header). A VRRPv3 message's checksum
 * also covers a pseudo-header (RFC 9568 §5.2.8): source, destination, protocol 112 and the VRRP
 * length, laid out as for IPv4 (RFC 768) or IPv6 (RFC 8200 §8.1). Either layout sums to the same
 * words (the zero bytes add nothing), which {@link #pseudoHeaderSum} relies on.
 *
 * <p>The end-around carry is folded until none is left. Folding once is not enough: the first fold
 * can itself carry (sum 0x1FFFF folds to 0x10000), which is the bug found in older Java VRRP
 * codecs.
 */
final class InternetChecksum {

  private InternetChecksum() {}

  /**
   * The one's complement sum of the 16-bit big-endian words in {@code length} bytes at {@code
   * offset}, folded to 16 bits; an odd last byte is padded with a zero byte (RFC 1071 §4.1).
   */
  static int foldedSum(byte[] bytes, int offset, int length) {
    long sum = 0;
    int end = offset + length;
    int i = offset;
    for (; i + 1 < end; i += 2) {
      sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
    }
    if (i < end) {
      sum += (bytes[i] & 0xff) << 8;
    }
    return fold(sum);
  }

  /**
   * The unfolded sum of a pseudo-header: the two addresses of {@code addressLength} bytes (4 or 16)
   * at {@code sourceOffset} in {@code source} and {@code destinationOffset} in {@code destination},
   * the protocol and the upper-layer length.
   */
  static long pseudoHeaderSum(
      byte[] source,
      int sourceOffset,
      byte[] destination,
      int destinationOffset,
      int addressLength,
      int protocol,
      int upperLength) {
    return (long) foldedSum(source, sourceOffset, addressLength)
        + foldedSum(destination, destinationOffset, addressLength)
        + protocol
        + (upperLength >>> 16)
        + (upperLength & 0xffff);
  }

  /** The checksum field value for these bytes after a pseudo-header summing to {@code initial}. */
  static int compute(byte[] bytes, int offset, int length, long initial) {
    return ~fold(initial + foldedSum(bytes, offset, length)) & 0xffff;
  }

  /** Whether bytes that include their checksum field verify after this pseudo-header sum. */
  static boolean verifies(byte[] bytes, int offset, int length, long initial) {
    return fold(initial + foldedSum(bytes, offset, length)) == 0xffff;
  }

  /** {@link #expected(byte[], int, int, int)} after a pseudo-header summing to {@code initial}. */
  static int expected(byte[] bytes, int offset, int length, int fieldOffset, long initial) {
    int before = fieldOffset - offset;
    int after = length - before - 2;
    long sum =
        initial + foldedSum(bytes, offset, before) + foldedSum(bytes, fieldOffset + 2, after);
    return ~fold(sum) & 0xffff;
  }

  /**
   * The checksum field value for these bytes, computed with the checksum field itself set to zero.
   */
  static int compute(byte[] bytes, int offset, int length) {
    return ~foldedSum(bytes, offset, length) & 0xffff;
  }

  /**
   * Whether bytes that include their checksum field verify: their folded sum is all ones. This
   * accepts both encodings of one's complement zero in the field (0x0000 and 0xFFFF), as receivers
   * must.
   */
  static boolean verifies(byte[] bytes, int offset, int length) {
    return foldedSum(bytes, offset, length) == 0xffff;
  }

  /**
   * The checksum the sender should have written, for a packet whose checksum field at {@code
   * fieldOffset} holds something else: the sum of everything but that field.
   */
  static int expected(byte[] bytes, int offset, int length, int fieldOffset) {
    // The field sits at an even distance from the start, so the words on either side stay aligned.
    int before = fieldOffset - offset;
    int after = length - before - 2;
    long sum = foldedSum(bytes, offset, before) + foldedSum(bytes, fieldOffset + 2, after);
    return ~fold(sum) & 0xffff;
  }

  private static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) sum;
  }
}
