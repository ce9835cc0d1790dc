package org.ha4j.vrrp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ha4j.core.net.Ipv4Address;

/**
 * RFC 9568 Accept_Mode false (keepalived's {@code no_accept}) on Linux: a master that does not own
 * the virtual addresses must not accept packets addressed to them. keepalived 2.2.7 does it with an
 * nftables table of its own: an input chain dropping {@code ip daddr @vips} and an output chain
 * dropping {@code ip saddr @vips}, the set filled while it is master. This table holds the same two
 * rules with the addresses in the set from start to stop: while backup the addresses are not on the
 * interface, so no packet to them reaches the input hook and none leaves from them, and the
 * takeover path stays free of an nft run.
 *
 * <p>One table per instance ({@code ip ha4j_<instance>}), replaced whole at start (so one a killed
 * run left behind goes too) and deleted at stop or a failed start.
 */
final class NoAcceptFilter {

  private static final long NFT_TIMEOUT_SECONDS = 10;

  private final String instance;
  private final String table;
  private final List<Ipv4Address> addresses;

  NoAcceptFilter(String instance, List<Ipv4Address> addresses) {
    this.instance = instance;
    this.table = tableName(instance);
    this.addresses = List.copyOf(addresses);
  }

  /** {@code ha4j_} and the instance name, with what nft does not take in a name as {@code _}. */
  static String tableName(String instance) {
    return "ha4j_" + instance.replaceAll("[^A-Za-z0-9_]", "_");
  }

  String table() {
    return table;
  }

  /** The nft script that (re)creates the table: any older one of the same name is deleted first. */
  String installScript() {
    String elements =
        addresses.stream().map(Ipv4Address::toString).collect(Collectors.joining(", "));
    return "table ip "
        + table
        + " {}\n"
        + "delete table ip "
        + table
        + "\n"
        + "table ip "
        + table
        + " {\n"
        + "  set vips {\n    type ipv4_addr\n    elements = { "
        + elements
        + " }\n  }\n"
        + "  chain in {\n    type filter hook input priority -1; policy accept;\n"
        + "    ip daddr @vips drop\n  }\n"
        + "  chain out {\n    type filter hook output priority -1; policy accept;\n"
        + "    ip saddr @vips drop\n  }\n"
        + "}\n";
  }

  /**
   * @throws IOException naming nft and what it said, or that nft is missing
   */
  void install() throws IOException {
    nft(installScript(), "installing the no_accept table " + table);
  }

  /** Deletes the table; a table already gone is fine. */
  void remove() throws IOException {
    nft("table ip " + table + " {}\ndelete table ip " + table + "\n", "removing " + table);
  }

  private void nft(String script, String what) throws IOException {
    Process process;
    try {
      process = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "(" + instance + ") no_accept needs nftables (the nft command): " + e.getMessage(), e);
    }
    try (OutputStream in = process.getOutputStream()) {
      in.write(script.getBytes(StandardCharsets.UTF_8));
    }
    try {
      if (!process.waitFor(NFT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            "(" + instance + ") " + what + ": nft did not finish in " + NFT_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("(" + instance + ") " + what + ": interrupted", e);
    }
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (process.exitValue() != 0) {
      throw new IOException(
          "("
              + instance
              + ") "
              + what
              + " failed: nft exited "
              + process.exitValue()
              + ": "
              + output);
    }
  }
}
