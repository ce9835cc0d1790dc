package org.ha4j.proxy.balance;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The key of {@code hash KEY}: text with nginx stream variables, evaluated per session. Supported:
 * {@code $remote_addr}, {@code $remote_port}, {@code $server_addr}, {@code $server_port}, {@code
 * $binary_remote_addr}, also written {@code ${name}}.
 */
public final class HashKey {

  /** The session values a key can use. Addresses as nginx prints them ({@code 127.0.0.1}). */
  public record Session(
      String remoteAddr,
      int remotePort,
      String serverAddr,
      int serverPort,
      byte[] binaryRemoteAddr) {}

  private static final List<String> VARIABLES =
      List.of("remote_addr", "remote_port", "server_addr", "server_port", "binary_remote_addr");

  private final String template;
  private final List<Object> parts; // String literal or Variable

  private enum Variable {
    REMOTE_ADDR,
    REMOTE_PORT,
    SERVER_ADDR,
    SERVER_PORT,
    BINARY_REMOTE_ADDR
  }

  private HashKey(String template, List<Object> parts) {
    this.template = template;
    this.parts = parts;
  }

  /**
   * @throws IllegalArgumentException naming an unknown variable
   */
  public static HashKey parse(String template) {
    Objects.requireNonNull(template, "template");
    List<Object> parts =
        NginxVariables.split(
            template,
            "hash key '" + template + "'",
            name -> {
              int index = VARIABLES.indexOf(name);
              if (index < 0) {
                throw new IllegalArgumentException(
                    "unsupported variable $"
                        + name
                        + " in hash key '"
                        + template
                        + "' (supported: $"
                        + String.join(" $", VARIABLES)
                        + ")");
              }
              return Variable.values()[index];
            });
    return new HashKey(template, parts);
  }

  /** The key bytes for one session. */
  public byte[] evaluate(Session session) {
    if (parts.size() == 1 && parts.get(0) == Variable.BINARY_REMOTE_ADDR) {
      return session.binaryRemoteAddr().clone();
    }
    StringBuilder sb = new StringBuilder(32);
    for (Object part : parts) {
      if (part instanceof String text) {
        sb.append(text);
      } else {
        switch ((Variable) part) {
          case REMOTE_ADDR -> sb.append(session.remoteAddr());
          case REMOTE_PORT -> sb.append(session.remotePort());
          case SERVER_ADDR -> sb.append(session.serverAddr());
          case SERVER_PORT -> sb.append(session.serverPort());
          case BINARY_REMOTE_ADDR ->
              sb.append(new String(session.binaryRemoteAddr(), StandardCharsets.ISO_8859_1));
        }
      }
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Whether the key is exactly {@code $remote_addr}: then the proxy can skip template evaluation.
   */
  public boolean isRemoteAddr() {
    return parts.size() == 1 && parts.get(0) == Variable.REMOTE_ADDR;
  }

  @Override
  public String toString() {
    return template;
  }
}
