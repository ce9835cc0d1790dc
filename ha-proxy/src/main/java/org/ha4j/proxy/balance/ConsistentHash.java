package org.ha4j.proxy.balance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code hash KEY consistent}: ketama as nginx builds it ({@code
 * ngx_stream_upstream_init_chash()}), compatible with Cache::Memcached::Fast with {@code
 * ketama_points = 160}.
 *
 * <p>Each server gets {@code weight * 160} points. The points of a server are seeded from its
 * <em>configured</em> text ({@code host:port} split at the last colon followed only by digits):
 * base = crc32 state after {@code host}, one zero byte, {@code port}; point j = crc32(base +
 * previous point as four little-endian bytes), the first "previous" being 0. Points are sorted and
 * equal hashes collapse. A key maps to the first point at or after {@code crc32(key)}; a rejected
 * server moves on to the next point; servers sharing the same text (one name, several addresses)
 * are chosen among by SWRR. After 20 rejections, with one server or an empty key, nginx falls back
 * to round robin.
 */
final class ConsistentHash implements BalancingStrategy {

  static final int POINTS_PER_WEIGHT = 160;

  private final HashKey key;

  ConsistentHash(HashKey key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  @Override
  public String directive() {
    return "hash " + key + " consistent";
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
    return new Ring(group.primary);
  }

  /** The sorted, de-duplicated points; immutable after construction. */
  static final class Ring implements Selector {
    /**
     * One long per point, in ascending unsigned order of the hash: the hash in the high 32 bits,
     * the index of its server text (into {@link #serverPeers}) in the low 32, so one cache line
     * gives both.
     */
    final long[] points;

    /**
     * Per distinct configured server text: the indices of the peers configured with it (usually
     * one).
     */
    final int[][] serverPeers;

    private final String[] serverNames;

    /**
     * The lookup table on the top {@code 32 - shift} bits of a hash: bucketStart[b] is the first
     * point whose top bits are >= b (one entry more than buckets). A key's point lies in its own
     * bucket or is the first of the next, so the binary search runs over a point or two instead of
     * the whole ring (same result).
     */
    final int[] bucketStart;

    final int shift;

    Ring(PeerList list) {
      // server texts: peers sharing one (a name resolving to several addresses) share its points
      java.util.Map<String, Integer> textIndex = new java.util.LinkedHashMap<>();
      int[] textOf = new int[list.number];
      for (int p = 0; p < list.number; p++) {
        textOf[p] = textIndex.computeIfAbsent(list.peers[p].server, k -> textIndex.size());
      }
      this.serverNames = textIndex.keySet().toArray(new String[0]);
      this.serverPeers = new int[serverNames.length][];
      for (int p = 0; p < list.number; p++) {
        int[] old = serverPeers[textOf[p]] == null ? new int[0] : serverPeers[textOf[p]];
        int[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = p;
        serverPeers[textOf[p]] = grown;
      }
      long total = 0;
      for (Peer peer : list.peers) {
        total += (long) peer.weight * POINTS_PER_WEIGHT;
      }
      long[] packed = new long[(int) total];
      int n = 0;
      for (int p = 0; p < list.number; p++) {
        Peer peer = list.peers[p];
        int base = baseHash(peer.server);
        int prev = 0;
        byte[] le = new byte[4];
        int points = peer.weight * POINTS_PER_WEIGHT;
        for (int j = 0; j < points; j++) {
          le[0] = (byte) prev;
          le[1] = (byte) (prev >>> 8);
          le[2] = (byte) (prev >>> 16);
          le[3] = (byte) (prev >>> 24);
          int hash = Crc32.finish(Crc32.update(base, le));
          // hash in the high 32 bits (unsigned order), peer index below: one sort, ties by config
          // order
          // the sign flip makes the signed sort below an unsigned one
          packed[n++] = ((Integer.toUnsignedLong(hash) << 32) | p) ^ Long.MIN_VALUE;
          prev = hash;
        }
      }
      Arrays.sort(packed);
      // nginx sorts with qsort (not stable) and keeps the first of equal hashes; equal 32-bit
      // hashes
      // across servers are rare enough that the config-order tie break here never shows in practice
      int unique = 0;
      long[] kept = new long[n];
      for (int i = 0; i < n; i++) {
        long point = packed[i] ^ Long.MIN_VALUE;
        long h = point >>> 32;
        if (unique > 0 && kept[unique - 1] >>> 32 == h) {
          continue;
        }
        kept[unique++] = h << 32 | textOf[(int) (point & 0xFFFFFFFFL)];
      }
      this.points = Arrays.copyOf(kept, unique);
      // about one point per bucket, at most 2^16 buckets (256 KiB)
      int bits =
          Math.max(1, Math.min(16, 32 - Integer.numberOfLeadingZeros(Math.max(1, unique - 1))));
      this.shift = 32 - bits;
      this.bucketStart = new int[(1 << bits) + 1];
      int point = 0;
      for (int b = 0; b <= 1 << bits; b++) {
        while (point < unique && points[point] >>> 32 >>> shift < b) {
          point++;
        }
        bucketStart[b] = point;
      }
    }

    /** crc32 state after {@code HOST \0 PORT}, not finalised (Cache::Memcached::Fast's seed). */
    static int baseHash(String server) {
      String host = server;
      String port = "";
      if (server.regionMatches(true, 0, "unix:", 0, 5)) {
        host = server.substring(5);
      } else {
        for (int j = server.length() - 1; j >= 0; j--) {
          char c = server.charAt(j);
          if (c == ':') {
            host = server.substring(0, j);
            port = server.substring(j + 1);
            break;
          }
          if (c < '0' || c > '9') {
            break;
          }
        }
      }
      int crc = Crc32.update(Crc32.INIT, host.getBytes(StandardCharsets.ISO_8859_1));
      crc = Crc32.update(crc, new byte[1]);
      return Crc32.update(crc, port.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Index of the first point whose hash is >= {@code hash} (may be {@code points.length}),
     * nginx's {@code ngx_stream_upstream_find_chash_point()}; points are unique, so this is its
     * binary search's answer.
     */
    int findPoint(long hash) {
      int bucket = (int) (hash >>> shift);
      int lo = bucketStart[bucket];
      int hi = bucketStart[bucket + 1];
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (points[mid] >>> 32 < hash) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    /**
     * The configured server text owning {@code key} on an all-healthy ring (for tests and
     * benchmarks).
     */
    String ownerOf(byte[] key) {
      return serverNames[
          serverAt(findPoint(Integer.toUnsignedLong(Crc32.of(key))) % points.length)];
    }

    /** The hash of point {@code i}, an unsigned 32-bit value. */
    long hashAt(int i) {
      return points[i] >>> 32;
    }

    private int serverAt(int i) {
      return (int) points[i];
    }

    @Override
    public Peer select(Attempt attempt, long now) {
      PeerList list = attempt.list;
      if (attempt.methodTries > Hash.MAX_DRAWS
          || list.single
          || list.number < 2
          || attempt.key.length == 0) {
        return RoundRobin.pick(attempt, now);
      }
      if (!attempt.hashStarted) {
        attempt.hash = findPoint(Integer.toUnsignedLong(Crc32.of(attempt.key)));
        attempt.hashStarted = true;
      }
      Peer[] peers = list.peers;
      list.settle();
      while (true) {
        // nginx: point[hash % number]; hash starts at a point index (<= number) and grows by one
        // per
        // rejection, so the division is needed only in the rare wrap-around
        long point = attempt.hash < points.length ? attempt.hash : attempt.hash % points.length;
        int[] candidates = serverPeers[serverAt((int) point)];
        Peer best = null;
        int bestIndex = -1;
        long total = 0;
        for (int i : candidates) {
          Peer peer = peers[i];
          if (attempt.tried(i) || !peer.usable(now)) {
            continue;
          }
          total += peer.advanceSmoothWeight();
          if (best == null || peer.currentWeight > best.currentWeight) {
            best = peer;
            bestIndex = i;
          }
        }
        if (best != null) {
          best.currentWeight -= total;
          best.addConn();
          best.markChecked(now);
          attempt.markTried(bestIndex);
          attempt.current = best;
          return best;
        }
        attempt.hash++;
        if (++attempt.methodTries > Hash.MAX_DRAWS) {
          return RoundRobin.pick(attempt, now);
        }
      }
    }
  }
}
