package org.ha4j.proxy.balance;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code hash KEY} ({@code ngx_stream_upstream_get_hash_peer()}), compatible with Cache::Memcached:
 * {@code hash += (crc32([REHASH] KEY) >> 16) & 0x7fff}, where REHASH is the decimal retry number
 * prepended from the second draw on; the server owns weight unit {@code hash % total_weight}. A
 * rejected server draws again; after 20 rejections, or with fewer than two servers or an empty key,
 * nginx falls back to round robin.
 */
final class Hash implements BalancingStrategy {

  static final int MAX_DRAWS = 20;

  private final HashKey key;

  Hash(HashKey key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  @Override
  public String directive() {
    return "hash " + key;
  }

  @Override
  public boolean acceptsBackup() {
    return false;
  }

  @Override
  public Optional<HashKey> hashKey() {
    return Optional.of(key);
  }

  @Override
  public Selector newSelector(PeerGroup group) {
    BalancingStrategies.rejectBackup(this, group);
    return Hash::pick;
  }

  static Peer pick(Attempt attempt, long now) {
    PeerList list = attempt.list;
    if (attempt.methodTries > MAX_DRAWS || list.number < 2 || attempt.key.length == 0) {
      return RoundRobin.pick(attempt, now);
    }
    while (true) {
      int crc = Crc32.INIT;
      if (attempt.rehash > 0) {
        crc =
            Crc32.update(crc, Integer.toString(attempt.rehash).getBytes(StandardCharsets.US_ASCII));
      }
      crc = Crc32.finish(Crc32.update(crc, attempt.key));
      // nginx keeps hp->hash in a uint32_t
      attempt.hash = (attempt.hash + ((crc >>> 16) & 0x7fff)) & 0xFFFFFFFFL;
      attempt.rehash++;
      int index = list.indexOfWeightUnit(attempt.hash % list.totalWeight);
      Peer peer = list.peers[index];
      if (!attempt.tried(index) && peer.usable(now)) {
        peer.addConn();
        peer.markChecked(now);
        attempt.markTried(index);
        attempt.current = peer;
        return peer;
      }
      if (++attempt.methodTries > MAX_DRAWS) {
        return RoundRobin.pick(attempt, now);
      }
    }
  }
}
