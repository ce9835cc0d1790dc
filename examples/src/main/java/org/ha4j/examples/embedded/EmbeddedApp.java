package org.ha4j.examples.embedded;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ha4j.core.Lifecycle;
import org.ha4j.core.health.HealthSignal;
import org.ha4j.node.HaNode;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.VrrpListener;
import org.ha4j.vrrp.protocol.VrrpState;

/**
 * An application that embeds ha4j in its own {@code main}: it serves HTTP on 127.0.0.1:9080, and
 * the same JVM holds a VIP (VRRP) and a proxy on VIP:8080 in front of its own server and its
 * peers'. Its own state is a health signal the VIP tracks: {@code curl 127.0.0.1:9080/drain} makes
 * it give the VIP away at once.
 *
 * <pre>
 * java -cp ha4j.jar org.ha4j.examples.embedded.EmbeddedApp IFACE PRIORITY VIP/PREFIX [PEER_HOST:PORT ...]
 * </pre>
 */
public final class EmbeddedApp {

  private EmbeddedApp() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: EmbeddedApp IFACE PRIORITY VIP/PREFIX [PEER_HOST:PORT ...]");
      System.exit(2);
    }
    String name = java.net.InetAddress.getLocalHost().getHostName();
    HealthSignal serving = HealthSignal.up("app"); // the application's own opinion of itself

    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 9080), 0);
    http.createContext(
        "/",
        exchange -> {
          if (exchange.getRequestURI().getPath().equals("/drain")) {
            serving.down("drained by request");
          }
          byte[] body = ("served by " + name + "\n").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    http.start();

    List<ServerSpec> servers = new ArrayList<>(List.of(ServerSpec.parse("127.0.0.1:9080")));
    for (int i = 3; i < args.length; i++) {
      servers.add(ServerSpec.parse(args[i]));
    }
    Proxy proxy =
        Proxy.builder()
            .listen("0.0.0.0:8080", new Upstream("app", BalancingStrategies.leastConn(), servers))
            .build();
    VrrpInstance vip =
        VrrpInstance.builder()
            .interfaceName(args[0])
            .virtualRouterId(51)
            .priority(Integer.parseInt(args[1]))
            .virtualAddress(args[2])
            .track(proxy, 0) // no listener or no backend: FAULT
            .track(serving, 0) // the application says no: FAULT
            .listener(
                new VrrpListener() {
                  @Override
                  public void onStateChange(
                      VrrpInstance i, VrrpState from, VrrpState to, String why) {
                    System.out.println("VIP " + from + " -> " + to + " (" + why + ")");
                  }
                })
            .build();
    Lifecycle node = HaNode.builder().proxy(proxy).vrrpInstance(vip).build();
    node.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.stop(); // VIP handed over, then the proxy drains
                  http.stop(0);
                }));
    System.out.println(
        "EmbeddedApp on "
            + name
            + ": http 127.0.0.1:9080, VIP "
            + args[2]
            + ":8080 ("
            + args[0]
            + ", priority "
            + args[1]
            + ")");
    Thread.currentThread().join();
  }
}
