package org.ha4j.core.linux;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Link notifications from rtnetlink ({@code RTM_NEWLINK}/{@code RTM_DELLINK} on the {@code
 * RTMGRP_LINK} group): the kernel pushes a message whenever an interface's flags change, so
 * "interface down" is heard at once instead of polled. Needs no privilege.
 */
public interface LinkMonitor extends Closeable {

  /**
   * Waits up to {@code timeoutMillis} for notifications.
   *
   * @return the links reported by one received datagram (often one), or an empty list on timeout
   */
  List<LinkInfo> poll(int timeoutMillis) throws IOException;

  @Override
  void close();
}
