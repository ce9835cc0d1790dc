package org.ha4j.proxy.balance;

import java.util.Arrays;

/**
 * The selection state of one session across its connection attempts ({@code
 * ngx_stream_upstream_rr_peer_data_t} plus the hash and random modules' per-session fields): the
 * servers already tried, whether selection has moved to the backups, the hash key and the retry
 * counters of hash/random methods.
 *
 * <p>Created by {@link PeerGroup#newAttempt}; bound to that group from its first pick on, so a
 * re-configuration during the session does not disturb it (before its first pick, {@link
 * PeerGroup#takeOver} may move it to a newer group). Guarded by the upstream's lock like the peers.
 */
public final class Attempt {

  PeerGroup group;
  final byte[] key;
  final byte[] clientAddress;

  /** nginx's {@code proxy_next_upstream_tries} this attempt was started with; 0: no limit. */
  final int nextUpstreamTries;

  private long[] tried;

  /** Picks given back by {@link PeerGroup#release}: none means this attempt never picked. */
  int released;

  /**
   * Whether any bit of {@link #tried} is set: a first pick may take the steady fast path, a retry
   * not.
   */
  boolean triedAny;

  PeerList list;
  Peer current;

  /** The connection attempts left ({@code pc->tries}); 0 ends the session with 502. */
  int triesLeft;

  // hash / random / ip_hash per-session state
  int methodTries;
  int rehash;
  long hash;
  boolean hashStarted;

  Attempt(PeerGroup group, byte[] key, byte[] clientAddress, int nextUpstreamTries, int triesLeft) {
    this.key = key;
    this.clientAddress = clientAddress;
    this.nextUpstreamTries = nextUpstreamTries;
    start(group, triesLeft);
  }

  /** Starts selection over {@code group}, as a new attempt would. */
  void start(PeerGroup group, int triesLeft) {
    this.group = group;
    this.list = group.primary;
    int words = Math.max(group.primary.number, group.backup == null ? 0 : group.backup.number);
    this.tried = new long[Math.max(1, (words + 63) >>> 6)];
    this.triedAny = false;
    this.triesLeft = triesLeft;
    this.current = null;
    this.methodTries = 0;
    this.rehash = 0;
    this.hash = 0;
    this.hashStarted = false;
  }

  boolean tried(int index) {
    return (tried[index >>> 6] & (1L << index)) != 0;
  }

  void markTried(int index) {
    tried[index >>> 6] |= 1L << index;
    triedAny = true;
  }

  /** nginx moves to the backup list and clears the tried bitmap. */
  boolean switchToBackup() {
    if (list.backup || group.backup == null) {
      return false;
    }
    list = group.backup;
    Arrays.fill(tried, 0);
    triedAny = false;
    return true;
  }

  /** The peer of the last successful pick, or null. */
  public Peer current() {
    return current;
  }

  /** Connection attempts left for this session (nginx's {@code tries}). */
  public int triesLeft() {
    return triesLeft;
  }

  public PeerGroup group() {
    return group;
  }
}
