package org.ha4j.proxy.balance;

/**
 * nginx http's {@code ip_hash} ({@code ngx_http_upstream_ip_hash_module.c}; stream has no ip_hash):
 * the key is the first three octets of an IPv4 client (its /24) or all 16 bytes of an IPv6 one;
 * starting from 89, {@code hash = (hash * 113 + byte) % 6271} for each key byte, then the server
 * owning weight unit {@code hash % total_weight}. A rejected server folds the address in again from
 * the current hash; after 20 rejections, or with fewer than two servers, round robin takes over.
 */
final class IpHash implements BalancingStrategy {

  static final IpHash INSTANCE = new IpHash();

  private IpHash() {}

  @Override
  public String directive() {
    return "ip_hash";
  }

  @Override
  public boolean acceptsBackup() {
    return false;
  }

  @Override
  public Selector newSelector(PeerGroup group) {
    BalancingStrategies.rejectBackup(this, group);
    return IpHash::pick;
  }

  static Peer pick(Attempt attempt, long now) {
    PeerList list = attempt.list;
    if (attempt.methodTries > Hash.MAX_DRAWS || list.number < 2) {
      return RoundRobin.pick(attempt, now);
    }
    byte[] address = attempt.clientAddress;
    // unix sockets and unknown families hash as a 3-byte zero address, as nginx does
    int length = address.length == 4 ? 3 : address.length == 16 ? 16 : 3;
    long hash = attempt.hashStarted ? attempt.hash : 89;
    while (true) {
      for (int i = 0; i < length; i++) {
        int b = address.length == 4 || address.length == 16 ? address[i] & 0xff : 0;
        hash = (hash * 113 + b) % 6271;
      }
      int index = list.indexOfWeightUnit(hash % list.totalWeight);
      Peer peer = list.peers[index];
      if (!attempt.tried(index) && peer.usable(now)) {
        attempt.hash = hash;
        attempt.hashStarted = true;
        peer.addConn();
        peer.markChecked(now);
        attempt.markTried(index);
        attempt.current = peer;
        return peer;
      }
      if (++attempt.methodTries > Hash.MAX_DRAWS) {
        return RoundRobin.pick(attempt, now);
      }
    }
  }
}
