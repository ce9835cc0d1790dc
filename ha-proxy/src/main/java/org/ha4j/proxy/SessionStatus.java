package org.ha4j.proxy;

/**
 * nginx stream's {@code $status} values ({@code src/stream/ngx_stream.h}) and what produces each
 * here.
 */
public final class SessionStatus {

  /**
   * Session completed: both sides closed, or the idle timeout expired (nginx logs 200 for that
   * too).
   */
  public static final int OK = 200;

  /** Client data could not be parsed (reserved: no preread protocol parsing yet). */
  public static final int BAD_REQUEST = 400;

  /** Denied by an access rule. */
  public static final int FORBIDDEN = 403;

  /** Internal error. */
  public static final int INTERNAL_SERVER_ERROR = 500;

  /**
   * No live upstream, or every connection attempt failed ("no live upstreams", tries exhausted).
   */
  public static final int BAD_GATEWAY = 502;

  /** A connection limit (per listener or per client) was reached. */
  public static final int SERVICE_UNAVAILABLE = 503;

  private SessionStatus() {}
}
