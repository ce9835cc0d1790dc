package org.ha4j.proxy;

/**
 * Moves bytes for a session whose client and backend channels are both connected. Contract: {@link
 * #start} is called once on the client's event loop; the relay propagates half-closes (FIN) and
 * resets (RST) from one side to the other, reports bytes and activity to the session, and ends it
 * with {@link Session#finish} exactly once (the session makes repeated calls harmless) after
 * closing both connections.
 */
interface Relay {

  void start(Session session);

  /**
   * Pipes kept for reuse (two descriptors each; the splice engine pools them per thread), 0 without
   * splice.
   */
  default int pooledPipes() {
    return 0;
  }

  /** Releases what the relay holds (threads, pipes) once the proxy has stopped. */
  default void shutdown() {}
}
