package org.ha4j.proxy.balance;

/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) with the running state exposed, as nginx's
 * {@code ngx_crc32_init/update/final} expose it: ketama seeds every point from one
 * partially-updated state, which {@link java.util.zip.CRC32} cannot copy.
 */
final class Crc32 {

  private static final int[] TABLE = new int[256];

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      TABLE[n] = c;
    }
  }

  static final int INIT = 0xFFFFFFFF;

  private Crc32() {}

  static int update(int crc, byte[] data, int offset, int length) {
    int c = crc;
    for (int i = offset; i < offset + length; i++) {
      c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
    }
    return c;
  }

  static int update(int crc, byte[] data) {
    return update(crc, data, 0, data.length);
  }

  static int finish(int crc) {
    return ~crc;
  }

  /** The CRC-32 of {@code data}, through the JDK's intrinsic (the same polynomial). */
  static int of(byte[] data) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(data, 0, data.length);
    return (int) crc.getValue();
  }
}
