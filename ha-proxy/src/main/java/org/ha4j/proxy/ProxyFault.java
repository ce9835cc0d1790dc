package org.ha4j.proxy;

/**
 * The expected failures of a running proxy: each is counted ({@link Proxy#faults()}) and logged
 * under its name at a limited rate, as one line without a stack trace, since none of them is a bug
 * in the proxy.
 */
public enum ProxyFault {
  /**
   * A connect to a server was refused, reset or timed out (nginx: "connect() failed", "upstream
   * timed out").
   */
  UPSTREAM_CONNECT_FAILED("upstream connect failed"),
  /** No server of the upstream could take the session (nginx: "no live upstreams"), 502. */
  NO_LIVE_UPSTREAMS("no live upstreams"),
  /** No socket could be created for the connect to a server (out of file descriptors), 500. */
  NO_UPSTREAM_SOCKET("no socket for an upstream connect"),
  /** accept() failed because the process or system is out of file descriptors (EMFILE, ENFILE). */
  ACCEPT_OUT_OF_FDS("accept failed, out of file descriptors"),
  /** accept() failed for another reason (ENOBUFS, ENOMEM, ...). */
  ACCEPT_FAILED("accept failed"),
  /**
   * The client reset or dropped its connection mid-session (nginx: "recv() failed (104: Connection
   * reset by peer) while proxying"); the reset is passed on to the server, the session logs 200.
   */
  CLIENT_RESET("client connection reset while proxying"),
  /**
   * The server reset or dropped its connection mid-session; the reset is passed on to the client.
   */
  UPSTREAM_RESET("upstream connection reset while proxying"),
  /**
   * A client of a {@code listen ... proxy_protocol} listener sent no valid PROXY header: other
   * bytes, a malformed or oversized header, or the end of its connection before the header ended
   * (nginx: "broken header"); the session ends with 400.
   */
  PROXY_PROTOCOL_BAD_HEADER("bad PROXY protocol header"),
  /**
   * A client of a {@code listen ... proxy_protocol} listener did not finish its PROXY header within
   * {@code proxy_protocol_timeout} (nginx: "client timed out"); the session ends with 200, as in
   * nginx.
   */
  PROXY_PROTOCOL_TIMEOUT("PROXY protocol header timed out"),
  /** Writing access log lines failed (a full disk, an I/O error); the lines are counted as lost. */
  ACCESS_LOG_WRITE_FAILED("access log write failed");

  private final String description;

  ProxyFault(String description) {
    this.description = description;
  }

  /** What the log line starts with. */
  public String description() {
    return description;
  }
}
