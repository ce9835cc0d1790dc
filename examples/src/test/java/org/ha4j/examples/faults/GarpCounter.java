package org.ha4j.examples.faults;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ha4j.core.testing.netns.NetnsHost;

/**
 * Counts the gratuitous ARPs for one address that a listening host receives, per sender MAC: an
 * nftables {@code arp} table in the listener's namespace with one counting rule per router. A
 * gratuitous ARP here is an ARP request whose sender and target IP are both the address (RFC 5227
 * §3, what VRRP's §6.4.2 "broadcast a gratuitous ARP request" sends). It drops nothing.
 */
final class GarpCounter {

  private static final String TABLE = "h4jgarp";
  private static final Pattern RULE =
      Pattern.compile("arp saddr ether ([0-9a-f:]{17}).*counter packets (\\d+)");

  private final NetnsHost listener;

  private GarpCounter(NetnsHost listener) {
    this.listener = listener;
  }

  /**
   * Starts counting on {@code listener} the GARPs for {@code address} from each of {@code routers}.
   */
  static GarpCounter start(NetnsHost listener, String address, List<NetnsHost> routers)
      throws IOException {
    StringBuilder rules =
        new StringBuilder(
            "table arp "
                + TABLE
                + " {\n  chain input {\n"
                + "    type filter hook input priority 0; policy accept;\n");
    for (NetnsHost router : routers) {
      rules
          .append("    arp operation request arp saddr ip ")
          .append(address)
          .append(" arp daddr ip ")
          .append(address)
          .append(" arp saddr ether ")
          .append(mac(router))
          .append(" counter\n");
    }
    rules.append("  }\n}\n");
    listener.runWithInput(rules.toString(), "nft", "-f", "-");
    return new GarpCounter(listener);
  }

  /** How many GARPs each router has sent so far, by its MAC. */
  Map<String, Long> counts() throws IOException {
    Matcher m = RULE.matcher(listener.run("nft", "list", "table", "arp", TABLE));
    Map<String, Long> counts = new LinkedHashMap<>();
    while (m.find()) {
      counts.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return counts;
  }

  /** GARPs from {@code router} so far. */
  long from(NetnsHost router) throws IOException {
    Long count = counts().get(mac(router));
    if (count == null) {
      throw new IllegalArgumentException(router + " is not counted here");
    }
    return count;
  }

  /** The MAC of {@code host}'s {@code eth0}. */
  static String mac(NetnsHost host) throws IOException {
    List<String> fields =
        new ArrayList<>(
            List.of(
                host.run("ip", "-br", "link", "show", NetnsHost.INTERFACE).trim().split("\\s+")));
    return fields.get(2);
  }
}
