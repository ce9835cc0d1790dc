package org.ha4j.examples.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.ha4j.examples.demo.DemoNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ha4j demo}: the reference deployment for real. As root it builds the seed's LAN in
 * network namespaces (client, lb1, lb2, app01, app02 and the bridge's own), starts two Tomcat
 * backends and two {@code ha4j run} nodes from the seed's files and plays the seed's section 2.5
 * ({@link org.ha4j.examples.demo.DemoStory}, run inside the client namespace). Namespaces,
 * processes and the work directory go away on every exit path. Without root it says what is missing
 * and plays the same story in the virtual network ({@code simulate}).
 */
@Command(
    name = "demo",
    description = {
      "Play the reference deployment's story (seed section 2.5) in network namespaces: two"
          + " load balancers, two Tomcats, a client. Needs root; without it the same story runs"
          + " simulated."
    })
final class DemoCommand extends CliCommand {

  @Option(
      names = "--subnet",
      paramLabel = "A.B.C",
      defaultValue = DemoNetwork.SEED_SUBNET,
      description = "The /24 the namespaces' LAN uses (default: ${DEFAULT-VALUE}, the seed's).")
  private String subnet;

  @Option(
      names = "--seed-dir",
      paramLabel = "DIR",
      description =
          "Where the reference deployment's files are (default: ./reference-deployment, or the"
              + " repository's).")
  private Path seedDirFlag;

  @Option(
      names = "--keep-logs",
      description = "Keep the work directory (adapted files, access logs) (default: deleted).")
  private boolean keepLogs;

  @Override
  int run(PrintStream out, PrintStream err) throws Exception {
    if (!subnet.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")) {
      throw new UsageException(
          "--subnet must be three octets such as 192.168.122, got '" + subnet + "'");
    }
    Path seedDir = seedDirFlag != null ? seedDirFlag : findSeedDir();
    if (!Files.isReadable(seedDir.resolve("lb1/keepalived.conf"))
        || !Files.isReadable(seedDir.resolve("nginx.conf"))) {
      throw new UsageException(
          "no reference deployment in "
              + seedDir.toAbsolutePath()
              + " (lb1/keepalived.conf, lb2/keepalived.conf, nginx.conf); run from the repository or give --seed-dir");
    }
    List<String> missing = missingPrivileges();
    if (!missing.isEmpty()) {
      out.println("ha4j demo: the real demo needs " + String.join(", ", missing) + ".");
      out.println(
          "  (sudo ./ha4j demo builds the seed's LAN in network namespaces and runs it for real.)");
      out.println("  Playing the same story in the virtual network instead (./ha4j simulate):");
      out.println();
      return new SimulateCommand().run(out, err);
    }

    out.println(
        "ha4j demo: the reference deployment (seed section 2.5) in network namespaces, subnet "
            + subnet
            + ".0/24"
            + (subnet.equals(DemoNetwork.SEED_SUBNET) ? " (the seed's)" : ""));
    Path workDir = Files.createTempDirectory("ha4j-demo-");
    DemoNetwork[] network = new DemoNetwork[1];
    Process[] driver = new Process[1];
    Thread cleanup =
        new Thread(
            () -> cleanUp(network[0], driver[0], workDir, keepLogs, out), "ha4j-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      network[0] = DemoNetwork.create(subnet);
      DemoNetwork.View view = network[0].view();
      out.println(
          "  namespaces "
              + view.prefix()
              + "{lan,client,lb1,lb2,app01,app02}: client "
              + view.address("client")
              + ", LB1 "
              + view.address("lb1")
              + ", LB2 "
              + view.address("lb2")
              + ", APP01 "
              + view.address("app01")
              + ", APP02 "
              + view.address("app02")
              + ", VIP "
              + view.vip()
              + "; the bridge in "
              + view.prefix()
              + "lan, no uplink");
      out.println(
          "  work directory (adapted files, access logs): "
              + workDir
              + (keepLogs ? " (kept)" : " (deleted at the end; --keep-logs keeps it)"));
      List<String> command =
          new ArrayList<>(
              view.exec(
                  "client",
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-cp",
                      System.getProperty("java.class.path"),
                      "org.ha4j.examples.demo.DemoStory",
                      view.prefix(),
                      subnet,
                      seedDir.toAbsolutePath().toString(),
                      workDir.toString())));
      driver[0] = new ProcessBuilder(command).redirectErrorStream(true).start();
      driver[0].getOutputStream().close();
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(driver[0].getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
        }
      }
      int status = driver[0].waitFor();
      return status == 0 ? Ha4jCommandLine.EXIT_OK : Ha4jCommandLine.EXIT_FAILURE;
    } finally {
      cleanUp(network[0], driver[0], workDir, keepLogs, out);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // the JVM is already exiting: the hook does the same, once
      }
    }
  }

  private static synchronized void cleanUp(
      DemoNetwork network, Process driver, Path workDir, boolean keepLogs, PrintStream out) {
    if (driver != null && driver.isAlive()) {
      driver.descendants().forEach(ProcessHandle::destroy);
      driver.destroy();
    }
    if (network != null) {
      network.close(); // kills what is left in the namespaces by PID, then deletes them
    }
    if (!keepLogs && Files.exists(workDir)) {
      try (Stream<Path> files = Files.walk(workDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        out.println("demo: could not delete " + workDir + ": " + e.getMessage());
      }
    }
  }

  /**
   * The repository's reference-deployment/: from the working directory, or next to the jar's
   * module.
   */
  private static Path findSeedDir() {
    Path here = Path.of("reference-deployment");
    if (Files.isDirectory(here)) {
      return here;
    }
    try {
      Path code =
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path dir = code.getParent(); dir != null; dir = dir.getParent()) {
        if (Files.isDirectory(dir.resolve("reference-deployment"))) {
          return dir.resolve("reference-deployment");
        }
      }
    } catch (Exception e) {
      // fall through to the working directory's name
    }
    return here;
  }

  /** What the real demo needs that this process lacks. */
  static List<String> missingPrivileges() {
    List<String> missing = new ArrayList<>();
    if (!isRoot()) {
      missing.add("root (network namespaces, raw VRRP sockets, addresses)");
    }
    boolean ip =
        Stream.of(System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, "ip")));
    if (!ip) {
      missing.add("the ip command (Debian: apt-get install iproute2)");
    }
    return missing;
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // effective UID
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }
}
