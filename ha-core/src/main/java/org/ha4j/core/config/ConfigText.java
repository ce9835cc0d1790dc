package org.ha4j.core.config;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Configuration text as bytes become characters, and as characters are quoted back in error
 * messages.
 *
 * <p>Files are UTF-8, but a byte that is not part of valid UTF-8 does not stop the read: nginx and
 * keepalived compare bytes and never decode, so a comment saved as GBK or Latin-1 loads there, and
 * must load here. Each such byte becomes one <em>undecodable marker</em>, a lone low surrogate
 * {@code U+DC80..U+DCFF} carrying the byte (the convention of Python's "surrogateescape"). Valid
 * UTF-8 never decodes to a lone surrogate, so the marker cannot be confused with text; {@link
 * BlockConfigParser} then decides per position whether the byte is harmless (a comment) or an error
 * (a keyword or value).
 */
public final class ConfigText {

  /** How much of a token an error message quotes. */
  static final int ECHO_CHARS = 64;

  private static final char FIRST_MARKER = '\uDC80';
  private static final char LAST_MARKER = '\uDCFF';

  private ConfigText() {}

  /** Decodes UTF-8 leniently: every byte that is not valid UTF-8 becomes its undecodable marker. */
  public static String decode(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never yields more UTF-16 units than bytes, and a marker is one unit per byte.
    CharBuffer out = CharBuffer.allocate(bytes.length);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isUnderflow()) {
        break;
      }
      for (int i = 0; i < result.length(); i++) {
        out.put(marker(in.get()));
      }
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  static boolean isUndecodable(char c) {
    return c >= FIRST_MARKER && c <= LAST_MARKER;
  }

  /** The byte an undecodable marker stands for. */
  static int undecodableByte(char marker) {
    return marker - FIRST_MARKER + 0x80;
  }

  private static char marker(byte b) {
    return (char) (FIRST_MARKER + (b & 0xff) - 0x80);
  }

  /**
   * A token as an error message should quote it: whole when short, otherwise its first {@value
   * #ECHO_CHARS} characters and its size ({@code …(1048576 bytes)}), so a hostile megabyte-long
   * word cannot flood a terminal or a log. Control characters and undecodable bytes show as {@code
   * \xNN}, which keeps the message on one line and says what the byte was.
   */
  public static String echo(String token) {
    StringBuilder shown = new StringBuilder(Math.min(token.length(), ECHO_CHARS + 16));
    int i = 0;
    int chars = 0;
    while (i < token.length() && chars < ECHO_CHARS) {
      int codePoint = token.codePointAt(i);
      i += Character.charCount(codePoint);
      chars++;
      if (codePoint < 0x20 || codePoint == 0x7f) {
        shown.append(String.format("\\x%02X", codePoint));
      } else if (codePoint <= 0xffff && isUndecodable((char) codePoint)) {
        shown.append(String.format("\\x%02X", undecodableByte((char) codePoint)));
      } else {
        shown.appendCodePoint(codePoint);
      }
    }
    if (i < token.length()) {
      shown.append("…(").append(utf8Length(token)).append(" bytes)");
    }
    return shown.toString();
  }

  /** The token's size in the file: UTF-8 length, one byte per undecodable marker. */
  private static long utf8Length(String token) {
    long bytes = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x80 || isUndecodable(c)) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < token.length()
          && Character.isLowSurrogate(token.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
