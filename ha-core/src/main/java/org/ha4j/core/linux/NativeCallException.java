package org.ha4j.core.linux;

import java.io.IOException;

/**
 * A Linux call failed: names the call, the errno and its {@code strerror} text, e.g. {@code
 * setsockopt(SO_BINDTODEVICE, eth9) failed: errno 19 (No such device)}.
 */
public class NativeCallException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  public NativeCallException(String call, int errno, String description) {
    this(call, errno, description, "");
  }

  NativeCallException(String call, int errno, String description, String hint) {
    super(call + " failed: errno " + errno + " (" + description + ")" + hint);
    this.call = call;
    this.errno = errno;
  }

  /** The call that failed, with what it was called for, e.g. {@code socket(AF_PACKET)}. */
  public String call() {
    return call;
  }

  /** The errno value (errno(3)); 0 when the failure did not come with one, e.g. a timeout. */
  public int errno() {
    return errno;
  }
}
