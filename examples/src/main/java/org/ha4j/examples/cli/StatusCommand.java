package org.ha4j.examples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.ha4j.core.config.ConfigDurations;
import org.ha4j.examples.status.StatusTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./ha4j status [ADDR:PORT]}: asks a running {@code run}, {@code proxy} or {@code node} for
 * its {@code /status} (its {@code --status-listen}) and prints it as tables: the VRRP instances,
 * the listeners, every server with its health and counters.
 */
@Command(
    name = "status",
    description =
        "Print the state of a running run, proxy or node started with --status-listen: VRRP"
            + " instances (state, priority, master, VIPs), listeners, servers with health and"
            + " counters.",
    footer = {"%nExit 1 when nothing answers at ADDR:PORT, or the answer is not a ha4j status."})
final class StatusCommand extends CliCommand {

  /** The port {@code status} asks when given none; {@code --status-listen 9742} serves it. */
  static final int DEFAULT_PORT = 9742;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ADDR:PORT",
      defaultValue = "127.0.0.1:" + DEFAULT_PORT,
      converter = CliTypes.StatusAddressConverter.class,
      description =
          "The command's --status-listen: IP:PORT, or PORT alone for 127.0.0.1:PORT (default:"
              + " ${DEFAULT-VALUE}).")
  private InetSocketAddress address;

  @Option(
      names = "--timeout",
      paramLabel = "T",
      defaultValue = "5s",
      description =
          "How long to wait for the connection and for the answer, 1ms-1h, "
              + CliTypes.DURATION_FORMS
              + " (default: ${DEFAULT-VALUE}).")
  private Duration timeout;

  @Option(names = "--json", description = "Print the document as served (default: tables).")
  private boolean json;

  @Override
  int run(PrintStream out, PrintStream err) throws Exception {
    Duration wait =
        CliTypes.within(timeout, "--timeout", Duration.ofMillis(1), Duration.ofHours(1));
    if (address.getPort() == 0) {
      throw new UsageException("ADDR:PORT needs the port the command printed, not 0");
    }
    String host = address.getAddress().getHostAddress();
    URI uri =
        URI.create(
            "http://"
                + (host.contains(":") ? "[" + host + "]" : host)
                + ":"
                + address.getPort()
                + "/status");
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newBuilder()
              .connectTimeout(wait)
              .build()
              .send(
                  HttpRequest.newBuilder(uri).timeout(wait).GET().build(),
                  HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      err.println("ha4j status: no answer from " + uri + " within " + ConfigDurations.format(wait));
      return Ha4jCommandLine.EXIT_FAILURE;
    } catch (ConnectException e) {
      err.println(
          "ha4j status: cannot connect to "
              + uri
              + " ("
              + (e.getMessage() == null ? "connection refused" : e.getMessage())
              + "): is ha4j run, proxy or node running there with --status-listen?");
      return Ha4jCommandLine.EXIT_FAILURE;
    } catch (IOException e) {
      err.println("ha4j status: " + uri + ": " + e);
      return Ha4jCommandLine.EXIT_FAILURE;
    }
    if (response.statusCode() != 200) {
      err.println(
          "ha4j status: "
              + uri
              + " answered HTTP "
              + response.statusCode()
              + ": not a ha4j status port?");
      return Ha4jCommandLine.EXIT_FAILURE;
    }
    List<String> lines;
    try {
      lines = StatusTable.render(response.body());
    } catch (IllegalArgumentException e) {
      err.println("ha4j status: " + uri + " is not a ha4j status document: " + e.getMessage());
      return Ha4jCommandLine.EXIT_FAILURE;
    }
    if (json) {
      out.print(response.body());
    } else {
      out.println("ha4j status of " + uri);
      lines.forEach(out::println);
    }
    out.flush();
    return Ha4jCommandLine.EXIT_OK;
  }
}
