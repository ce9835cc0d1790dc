package org.ha4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ha-proxy as a consumer on the module path meets it: {@code org.ha4j.proxy} and {@code
 * org.ha4j.core} resolved from their descriptors into a layer of their own (no class shared with
 * the class path the other tests use), Netty and JNA as modules. A session relayed whole through
 * the splice relay shows that the descriptors declare enough: Netty's epoll transport loads, and
 * ha-core's JNA direct mapping (the splice pipes) binds without any {@code opens}.
 */
class ModulePathTest {

  @Test
  void aModulePathConsumerRelaysASessionWholeThroughTheSpliceRelay() throws Exception {
    ModuleLayer layer = layerOf(Set.of("org.ha4j.proxy", nativeEpollModule(), "org.slf4j.simple"));
    ClassLoader loader = layer.findLoader("org.ha4j.proxy");
    Class<?> proxyType = loader.loadClass("org.ha4j.proxy.Proxy");
    assertThat(proxyType).isNotSameAs(Proxy.class);
    assertThat(proxyType.getModule().getName()).isEqualTo("org.ha4j.proxy");
    assertThat(loader.loadClass("org.ha4j.core.Lifecycle").getModule().getName())
        .isEqualTo("org.ha4j.core");

    byte[] data = new byte[1 << 20];
    new Random(11).nextBytes(data);
    try (ServerSocket backend = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> echoOne(backend));
      Object strategy =
          call(loader, "org.ha4j.proxy.balance.BalancingStrategies", null, "roundRobin");
      Object server =
          call(
              loader,
              "org.ha4j.proxy.balance.ServerSpec",
              null,
              "of",
              "127.0.0.1:" + backend.getLocalPort());
      Object upstream =
          loader
              .loadClass("org.ha4j.proxy.Upstream")
              .getConstructor(
                  String.class,
                  loader.loadClass("org.ha4j.proxy.balance.BalancingStrategy"),
                  List.class)
              .newInstance("backend", strategy, List.of(server));
      Class<?> relayKind = loader.loadClass("org.ha4j.proxy.RelayKind");
      Object builder = proxyType.getMethod("builder").invoke(null);
      builder
          .getClass()
          .getMethod("listen", String.class, upstream.getClass())
          .invoke(builder, "127.0.0.1:0", upstream);
      builder
          .getClass()
          .getMethod("relay", relayKind)
          .invoke(builder, enumConstant(relayKind, "SPLICE"));
      Object proxy = builder.getClass().getMethod("build").invoke(builder);
      proxyType.getMethod("start").invoke(proxy);
      try {
        assertThat(((Enum<?>) proxyType.getMethod("relay").invoke(proxy)).name())
            .isEqualTo("SPLICE");
        @SuppressWarnings("unchecked")
        List<InetSocketAddress> bound =
            (List<InetSocketAddress>) proxyType.getMethod("boundAddresses").invoke(proxy);
        assertThat(relayThrough(bound.get(0), data)).as("the bytes echoed back").isEqualTo(data);
        echo.get(10, TimeUnit.SECONDS);
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  assertThat(proxyType.getMethod("activeSessions").invoke(proxy)).isEqualTo(0);
                  assertThat((int) proxyType.getMethod("pooledPipes").invoke(proxy))
                      .as("splice pipes (made through JNA) back in the pool")
                      .isPositive();
                });
      } finally {
        proxyType.getMethod("stop").invoke(proxy);
      }
    }
  }

  private static byte[] relayThrough(InetSocketAddress proxy, byte[] data) throws Exception {
    try (Socket client = new Socket()) {
      client.connect(proxy, 5_000);
      client.setSoTimeout(10_000);
      CompletableFuture<Void> send =
          CompletableFuture.runAsync(
              () -> {
                try {
                  client.getOutputStream().write(data);
                  client.shutdownOutput();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      byte[] back = client.getInputStream().readAllBytes();
      send.get(10, TimeUnit.SECONDS);
      return back;
    }
  }

  private static void echoOne(ServerSocket backend) {
    try {
      backend.setSoTimeout(10_000);
      try (Socket socket = backend.accept();
          InputStream in = socket.getInputStream();
          OutputStream out = socket.getOutputStream()) {
        in.transferTo(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The modules a consumer puts on its module path: this build's two ha4j modules and the jars they
   * need, found where the class path of this test has them.
   */
  private static ModuleLayer layerOf(Set<String> roots) throws Exception {
    List<Path> modulePath = new ArrayList<>();
    for (String type :
        List.of(
            "org.ha4j.proxy.Proxy",
            "org.ha4j.core.Lifecycle",
            "com.sun.jna.Native",
            "org.slf4j.Logger",
            "org.slf4j.simple.SimpleLogger",
            "io.netty.util.Version",
            "io.netty.buffer.ByteBuf",
            "io.netty.resolver.AddressResolver",
            "io.netty.channel.Channel",
            "io.netty.channel.unix.Socket",
            "io.netty.channel.epoll.Epoll",
            "io.netty.handler.codec.ByteToMessageDecoder",
            "io.netty.handler.codec.haproxy.HAProxyMessage")) {
      modulePath.add(locationOf(Class.forName(type, false, ModulePathTest.class.getClassLoader())));
    }
    modulePath.add(
        classPathEntry("netty-transport-native-epoll-", nativeEpollClassifier() + ".jar"));
    Configuration configuration =
        ModuleLayer.boot()
            .configuration()
            .resolve(ModuleFinder.of(modulePath.toArray(Path[]::new)), ModuleFinder.of(), roots);
    return ModuleLayer.boot()
        .defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
  }

  private static String nativeEpollModule() {
    return "io.netty.transport.epoll." + nativeEpollClassifier().replace('-', '.');
  }

  private static String nativeEpollClassifier() {
    return switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "linux-x86_64";
      case "aarch64" -> "linux-aarch_64";
      default ->
          throw new IllegalStateException(
              "no Netty epoll jar for " + System.getProperty("os.arch"));
    };
  }

  private static Path classPathEntry(String prefix, String suffix) {
    return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .map(Path::of)
        .filter(
            p ->
                p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(suffix))
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("no " + prefix + "*" + suffix + " on the class path"));
  }

  private static Object call(
      ClassLoader loader, String type, Object target, String method, Object... args)
      throws Exception {
    Class<?>[] parameterTypes = Arrays.stream(args).map(Object::getClass).toArray(Class<?>[]::new);
    return loader.loadClass(type).getMethod(method, parameterTypes).invoke(target, args);
  }

  private static Object enumConstant(Class<?> enumType, String name) {
    return Arrays.stream(enumType.getEnumConstants())
        .filter(c -> ((Enum<?>) c).name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static Path locationOf(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
