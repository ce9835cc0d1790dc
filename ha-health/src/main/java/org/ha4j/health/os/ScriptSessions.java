package org.ha4j.health.os;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions of the scripts this JVM is running right now. A process probe skips them: our own
 * checks must never count as the thing they check, which is exactly how {@code check_nginx.sh}'s
 * {@code ps | grep nginx} counts its own subshell and never fires.
 */
final class ScriptSessions {

  private static final Set<Long> LIVE = ConcurrentHashMap.newKeySet();

  private ScriptSessions() {}

  static void add(long sessionId) {
    LIVE.add(sessionId);
  }

  static void remove(long sessionId) {
    LIVE.remove(sessionId);
  }

  static boolean isOurs(long sessionId) {
    return LIVE.contains(sessionId);
  }
}
