package org.ha4j.examples.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A state document ({@code /status}, the {@code USR1} dump) as tables for people: the VRRP
 * instances with state, priority, master and VIPs; the proxy's listeners; each upstream's servers
 * with health, counters and mean connect time; the faults that happened; the health probes. What
 * {@code ./ha4j status} prints.
 */
public final class StatusTable {

  private StatusTable() {}

  /**
   * @param json the document as {@code /status} serves it
   * @return the lines to print
   * @throws IllegalArgumentException the text is not JSON, or not a state document, saying why
   */
  public static List<String> render(String json) {
    Object parsed = JsonReader.parse(json);
    if (!(parsed instanceof Map<?, ?> doc) || !doc.containsKey("instances")) {
      throw new IllegalArgumentException("a JSON document without \"instances\"");
    }
    List<String> out = new ArrayList<>();
    out.add("at " + text(doc.get("at")));
    List<Object> instances = list(doc, "instances");
    if (!instances.isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      for (Object item : instances) {
        Map<?, ?> i = map(item, "an instance");
        List<String> row =
            new ArrayList<>(
                List.of(
                    text(i.get("name")),
                    state(i),
                    priority(i),
                    text(i.get("master")),
                    String.join(" ", strings(list(i, "virtualAddresses")))));
        row.addAll(cells(i, "advertsSent", "advertsReceived", "sendFailures"));
        rows.add(row);
      }
      out.add("");
      out.addAll(
          table(
              List.of(
                  "VRRP INSTANCE",
                  "STATE",
                  "PRIORITY",
                  "MASTER",
                  "VIPS",
                  "SENT",
                  "RECEIVED",
                  "SEND FAILURES"),
              rows));
    }
    Object proxy = doc.get("proxy");
    if (proxy != null) {
      proxy(map(proxy, "the proxy"), out);
    }
    probes(list(doc, "probes"), out);
    return out;
  }

  /** The health probes: status, results, mean latency and the latest cause. */
  private static void probes(List<Object> probes, List<String> out) {
    if (probes.isEmpty()) {
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Object item : probes) {
      Map<?, ?> p = map(item, "a probe");
      long failed = 0;
      Object failures = p.get("failures");
      if (failures != null) {
        for (Object n : map(failures, "the failures").values()) {
          failed += n instanceof Number count ? count.longValue() : 0;
        }
      }
      rows.add(
          List.of(
              text(p.get("name")),
              text(p.get("status")),
              text(p.get("successes")),
              Long.toString(failed),
              text(p.get("latencyMeanMs")),
              text(p.get("cause"))));
    }
    out.add("");
    out.addAll(table(List.of("PROBE", "STATUS", "OK", "FAILED", "MEAN MS", "CAUSE"), rows));
  }

  private static void proxy(Map<?, ?> proxy, List<String> out) {
    out.add("");
    boolean running = Boolean.TRUE.equals(proxy.get("running"));
    out.add(
        running
            ? "proxy: running, " + text(proxy.get("activeSessions")) + " active session(s)"
            : "proxy: stopped");
    List<Object> listeners = list(proxy, "listeners");
    if (!listeners.isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      for (Object item : listeners) {
        Map<?, ?> l = map(item, "a listener");
        rows.add(
            cells(
                l,
                "address",
                "accepted",
                "active",
                "status200",
                "status403",
                "status502",
                "status503",
                "bytesFromClients",
                "bytesToClients"));
      }
      out.add("");
      out.addAll(
          table(
              List.of(
                  "LISTENER",
                  "ACCEPTED",
                  "ACTIVE",
                  "200",
                  "403",
                  "502",
                  "503",
                  "BYTES IN",
                  "BYTES OUT"),
              rows));
    }
    Object upstreams = proxy.get("upstreams");
    if (upstreams != null) {
      for (Map.Entry<?, ?> upstream : map(upstreams, "the upstreams").entrySet()) {
        List<List<String>> rows = new ArrayList<>();
        for (Object item : asList(upstream.getValue(), "upstream " + upstream.getKey())) {
          Map<?, ?> b = map(item, "a server");
          List<String> row = new ArrayList<>(List.of(text(b.get("server")), health(b)));
          row.addAll(
              cells(
                  b,
                  "weight",
                  "active",
                  "picks",
                  "sessions",
                  "connectFailures",
                  "bytesToServer",
                  "bytesFromServer",
                  "connectMeanMs"));
          rows.add(row);
        }
        out.add("");
        out.add("upstream " + upstream.getKey());
        out.addAll(
            table(
                List.of(
                    "SERVER",
                    "HEALTH",
                    "WEIGHT",
                    "ACTIVE",
                    "PICKS",
                    "SESSIONS",
                    "CONNECT FAILURES",
                    "BYTES TO",
                    "BYTES FROM",
                    "CONNECT MS"),
                rows));
      }
    }
    Object faults = proxy.get("faults");
    if (faults != null) {
      List<String> happened = new ArrayList<>();
      for (Map.Entry<?, ?> fault : map(faults, "the faults").entrySet()) {
        if (fault.getValue() instanceof Number n && n.longValue() != 0) {
          happened.add(fault.getKey() + " " + n);
        }
      }
      out.add("");
      out.add("faults: " + (happened.isEmpty() ? "none" : String.join(", ", happened)));
    }
  }

  /** The state, and the interface when it is down: the reason for a FAULT. */
  private static String state(Map<?, ?> instance) {
    String state = text(instance.get("state"));
    return Boolean.FALSE.equals(instance.get("interfaceUp")) ? state + " (interface down)" : state;
  }

  /** The effective priority, with the configured one beside it when tracking changed it. */
  private static String priority(Map<?, ?> instance) {
    String effective = text(instance.get("effectivePriority"));
    String base = text(instance.get("basePriority"));
    return effective.equals(base) ? effective : effective + " (base " + base + ")";
  }

  /** nginx's view of a server: draining, failed its health check, out after max_fails, or up. */
  private static String health(Map<?, ?> server) {
    if (Boolean.TRUE.equals(server.get("draining"))) {
      return "draining";
    }
    if (Boolean.FALSE.equals(server.get("healthy"))) {
      return "down";
    }
    if (Boolean.FALSE.equals(server.get("usable"))) {
      return "failed";
    }
    return "up";
  }

  /** Columns padded to their widest cell, two spaces apart. */
  static List<String> table(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    List<String> out = new ArrayList<>();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < widths.length; c++) {
        line.append(row.get(c));
        if (c < widths.length - 1) {
          line.append(" ".repeat(widths[c] - row.get(c).length() + 2));
        }
      }
      out.add(line.toString().stripTrailing());
    }
    return out;
  }

  /** The members' values as text, in the order named. */
  private static List<String> cells(Map<?, ?> object, String... members) {
    List<String> out = new ArrayList<>();
    for (String member : members) {
      out.add(text(object.get(member)));
    }
    return out;
  }

  private static String text(Object value) {
    return value == null ? "-" : Objects.toString(value);
  }

  private static List<String> strings(List<Object> values) {
    return values.stream().map(StatusTable::text).toList();
  }

  private static List<Object> list(Map<?, ?> in, String member) {
    return asList(in.get(member), "\"" + member + "\"");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object value, String what) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?>)) {
      throw new IllegalArgumentException(what + " is not a list");
    }
    return (List<Object>) value;
  }

  private static Map<?, ?> map(Object value, String what) {
    if (!(value instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(what + " is not an object");
    }
    return m;
  }
}
