package org.ha4j.node;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.ha4j.core.Lifecycle;

/**
 * A node from two files under {@link SystemdNotifier#supervise}, as a process of its own for {@link
 * SystemdNotifyNodeIT}: what systemd would start, before the command line wires it in. Events go to
 * stdout; TERM stops the node through a shutdown hook. A third argument names, comma-separated, the
 * {@code vrrp_script}s the proxy's own health replaces (as {@code run --proxy-health-replaces}).
 */
public final class SupervisedNodeMain {

  private SupervisedNodeMain() {}

  public static void main(String[] args) throws Exception {
    HaNode node =
        HaNode.fromFiles(
            Path.of(args[0]),
            Path.of(args[1]),
            NodeOptions.defaults(System.out::println)
                .replacing(args.length > 2 ? Set.of(args[2].split(",")) : Set.of()));
    Lifecycle supervised = SystemdNotifier.fromEnvironment().supervise(node);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  supervised.stop();
                  stopped.countDown();
                }));
    supervised.start();
    stopped.await();
  }
}
