package org.ha4j.proxy.balance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The servers of one upstream configuration, split into primaries and backups in configuration
 * order, and the failure accounting every nginx balancer shares ({@code
 * ngx_stream_upstream_free_round_robin_peer()}).
 *
 * <p>Pure and not thread-safe: the owner serialises calls (one lock per upstream).
 */
public final class PeerGroup {

  final PeerList primary;
  final PeerList backup;
  private final List<Peer> all;

  /** nginx's initial {@code tries}: servers not configured {@code down}, primaries plus backups. */
  private final int configuredTries;

  /**
   * @param peers servers in configuration order; backups may be interleaved (nginx keeps them
   *     apart)
   * @throws IllegalArgumentException when there is no primary server (nginx: "no servers in
   *     upstream")
   */
  public PeerGroup(List<Peer> peers) {
    this(peers, true);
  }

  /**
   * @param steadyFastPath false keeps every pick on nginx's plain scan (the reference the fast path
   *     is tested against)
   */
  PeerGroup(List<Peer> peers, boolean steadyFastPath) {
    Objects.requireNonNull(peers, "peers");
    List<Peer> primaries = new ArrayList<>();
    List<Peer> backups = new ArrayList<>();
    for (Peer peer : peers) {
      (peer.spec().backup() ? backups : primaries).add(peer);
    }
    if (primaries.isEmpty()) {
      throw new IllegalArgumentException("an upstream needs at least one non-backup server");
    }
    this.primary = new PeerList(primaries, false, !backups.isEmpty(), steadyFastPath);
    this.backup = backups.isEmpty() ? null : new PeerList(backups, true, false, steadyFastPath);
    this.all = Collections.unmodifiableList(new ArrayList<>(peers));
    this.configuredTries = countNotDown(primary) + (backup == null ? 0 : countNotDown(backup));
  }

  /** Every server, backups included, in configuration order. */
  public List<Peer> peers() {
    return all;
  }

  public boolean hasBackup() {
    return backup != null;
  }

  /**
   * Starts selection for one session.
   *
   * @param key the evaluated hash key (for {@code hash KEY}), or an empty array
   * @param clientAddress the client's address bytes (4 or 16), for {@code ip_hash}; may be empty
   * @param nextUpstreamTries nginx's {@code proxy_next_upstream_tries}; 0 means no limit
   */
  public Attempt newAttempt(byte[] key, byte[] clientAddress, int nextUpstreamTries) {
    if (nextUpstreamTries < 0) {
      throw new IllegalArgumentException(
          "next upstream tries must be >= 0, got " + nextUpstreamTries);
    }
    return new Attempt(
        this,
        key == null ? new byte[0] : key,
        clientAddress == null ? new byte[0] : clientAddress,
        nextUpstreamTries,
        tries(nextUpstreamTries));
  }

  /** nginx: tries = non-down primaries + non-down backups, capped by proxy_next_upstream_tries. */
  private int tries(int nextUpstreamTries) {
    int tries = configuredTries;
    if (nextUpstreamTries != 0 && tries > nextUpstreamTries) {
      tries = nextUpstreamTries;
    }
    return tries;
  }

  /**
   * Moves an attempt started on an older group of the same upstream onto this one, as if it had
   * started here, if it has not picked a server yet: a session whose upstream was re-configured
   * between its start and its first pick then picks among the current servers. An attempt that has
   * picked stays on its group (its tried servers and counts belong there).
   *
   * @return whether {@code attempt} is now on this group
   */
  public boolean takeOver(Attempt attempt) {
    if (attempt.group == this) {
      return true;
    }
    if (attempt.current != null || attempt.released > 0 || attempt.triedAny) {
      return false;
    }
    attempt.start(this, tries(attempt.nextUpstreamTries));
    return true;
  }

  private static int countNotDown(PeerList list) {
    int n = 0;
    for (Peer peer : list.peers) {
      if (!peer.spec().down()) {
        n++;
      }
    }
    return n;
  }

  /**
   * The connection to the picked server is established: TCP's success signal in nginx ({@code
   * NGX_STREAM_UPSTREAM_NOTIFY_CONNECT}); a trial connection after fail_timeout resets the
   * failures.
   */
  public void connected(Attempt attempt) {
    Peer peer = attempt.current;
    if (peer != null && peer.accessed < peer.checked) {
      peer.resetFailures();
    }
  }

  /**
   * Ends the use of the picked server: the connection attempt failed ({@code failed}: error or
   * timeout while connecting, the only failure nginx counts for TCP), or the session ended.
   */
  public void release(Attempt attempt, boolean failed, long now) {
    Peer peer = attempt.current;
    if (peer == null) {
      return;
    }
    attempt.current = null;
    attempt.released++;
    if (attempt.list.single) {
      peer.dropConn();
      attempt.triesLeft = 0;
      return;
    }
    if (failed) {
      peer.countFailure(now);
    } else if (peer.accessed < peer.checked) {
      peer.resetFailures();
    }
    peer.dropConn();
    if (attempt.triesLeft > 0) {
      attempt.triesLeft--;
    }
  }

  /**
   * Feeds least_time: nginx's moving average {@code avg = 0.5 + v * 0.05 + avg * 0.95} ({@code
   * ngx_stream_upstream_response_time_avg}).
   */
  public static void recordResponseTime(Peer peer, long millis) {
    peer.setResponseTime((long) (0.5 + millis * 0.05 + peer.responseTimeMs * 0.95));
  }

  /** Whether at least one server could take a session now (for the proxy's health). */
  public boolean anyUsable(long now) {
    for (Peer peer : all) {
      if (peer.usable(now)) {
        return true;
      }
    }
    return false;
  }
}
