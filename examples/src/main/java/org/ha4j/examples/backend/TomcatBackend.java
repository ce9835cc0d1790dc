package org.ha4j.examples.backend;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * A backend standing in for the reference deployment's Tomcat servers (APP01, APP02): embedded
 * Tomcat serving one page that names the backend, so a client can see which one the load balancer
 * chose.
 *
 * <p>Run: {@code java -cp examples/target/ha4j.jar org.ha4j.examples.backend.TomcatBackend APP01
 * 192.168.122.12 8080}
 */
public final class TomcatBackend implements AutoCloseable {

  private final Tomcat tomcat;
  private final File baseDir;

  private TomcatBackend(Tomcat tomcat, File baseDir) {
    this.tomcat = tomcat;
    this.baseDir = baseDir;
  }

  /**
   * Starts a backend.
   *
   * @param name what the page says, e.g. {@code APP01}
   * @param address the address to bind, e.g. {@code 192.168.122.12} or {@code 127.0.0.1}
   * @param port the port, or 0 for any free one (see {@link #port()})
   */
  public static TomcatBackend start(String name, String address, int port)
      throws IOException, LifecycleException {
    File baseDir = Files.createTempDirectory("ha4j-tomcat-").toFile();
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.getAbsolutePath());
    Connector connector = new Connector();
    connector.setPort(port);
    connector.setProperty("address", address);
    tomcat.setConnector(connector);

    Context context = tomcat.addContext("", baseDir.getAbsolutePath());
    String host = InetAddress.getLocalHost().getHostName();
    Tomcat.addServlet(context, "hello", new NamePage(name, host)).addMapping("/*");
    tomcat.start();
    return new TomcatBackend(tomcat, baseDir);
  }

  /** The port actually bound. */
  public int port() {
    return tomcat.getConnector().getLocalPort();
  }

  @Override
  public void close() throws LifecycleException {
    tomcat.stop();
    tomcat.destroy();
    deleteRecursively(baseDir);
  }

  private static void deleteRecursively(File file) {
    File[] children = file.listFiles();
    if (children != null) {
      for (File child : children) {
        deleteRecursively(child);
      }
    }
    if (!file.delete() && file.exists()) {
      file.deleteOnExit();
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: TomcatBackend NAME ADDRESS PORT");
      System.exit(2);
    }
    TomcatBackend backend = start(args[0], args[1], Integer.parseInt(args[2]));
    System.out.println(args[0] + " serving on " + args[1] + ":" + backend.port());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    backend.close();
                  } catch (LifecycleException e) {
                    System.err.println("stopping Tomcat: " + e.getMessage());
                  }
                },
                "tomcat-backend-stop"));
    backend.tomcat.getServer().await();
  }

  /** The one page: "APP01 (host lb-app01)". */
  private static final class NamePage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final String host;

    NamePage(String name, String host) {
      this.name = name;
      this.host = host;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      response.getWriter().println(name + " (host " + host + ")");
    }
  }
}
