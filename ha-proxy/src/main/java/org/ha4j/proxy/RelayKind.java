package org.ha4j.proxy;

/** How a session's bytes move between client and server once both are connected. */
public enum RelayKind {
  /**
   * Through user space: read into a buffer, write it out, read again only when the peer has taken
   * it (backpressure with auto-read off). Works on every transport.
   */
  COPY,
  /**
   * Through the kernel with {@code splice(2)} and pooled pipes (Linux epoll only; falls back to
   * {@link #COPY} elsewhere). Bytes never enter the JVM heap.
   */
  SPLICE,
  /**
   * HAProxy's {@code splice-auto}: every session starts on {@link #COPY}, and one that streams (a
   * few full reads in a row) moves to {@link #SPLICE}; short and request/response sessions never
   * pay the splice handoff. Linux epoll only; falls back to {@link #COPY} elsewhere.
   */
  AUTO
}
