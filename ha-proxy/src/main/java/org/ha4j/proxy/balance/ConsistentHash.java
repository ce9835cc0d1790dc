package org.ha4j.proxy.balance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code hash KEY consistent}: ketama as nginx builds it ({@code ngx_stream_upstream_init_chash()}), compatible
 * with Cache::Memcached::Fast with {@code ketama_points = 160}.
 *
 * <p>Each server gets {@code weight * 160} points. The points of a server are seeded from its
 * <em>configured</em> text ({@code host:port} split at the last colon followed only by digits): base =
 * crc32 state after {@code host}, one zero byte, {@code port}; point j = crc32(base + previous point as four
 * little-endian bytes), the first "previous" being 0. Points are sorted and equal hashes collapse. A key maps
 * to the first point at or after {@code crc32(key)}; a rejected server moves on to the next point; servers
 * sharing the same text (one name, several addresses) are chosen among by SWRR. After 20 rejections, with one
 * server or an empty key, nginx falls back to round robin.
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
        /** Point hashes as unsigned values in ascending order. */
        final long[] hashes;
        /** The configured server text owning each point. */
        final String[] servers;
        /** For each point, the indices of the peers configured with its server text (usually one). */
        final int[][] owners;

        Ring(PeerList list) {
            long total = 0;
            for (Peer peer : list.peers) {
                total += (long) peer.weight * POINTS_PER_WEIGHT;
            }
            long[] packed = new long[(int) total];
            String[] names = new String[list.number];
            int n = 0;
            for (int p = 0; p < list.number; p++) {
                Peer peer = list.peers[p];
                names[p] = peer.server;
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
                    // hash in the high 32 bits (unsigned order), peer index below: one sort, ties by config order
                    // the sign flip makes the signed sort below an unsigned one
                    packed[n++] = ((Integer.toUnsignedLong(hash) << 32) | p) ^ Long.MIN_VALUE;
                    prev = hash;
                }
            }
            Arrays.sort(packed);
            // nginx sorts with qsort (not stable) and keeps the first of equal hashes; equal 32-bit hashes
            // across servers are rare enough that the config-order tie break here never shows in practice
            int unique = 0;
            long[] hashes = new long[n];
            String[] ownerText = new String[n];
            for (int i = 0; i < n; i++) {
                packed[i] ^= Long.MIN_VALUE;
                long h = packed[i] >>> 32;
                if (unique > 0 && hashes[unique - 1] == h) {
                    continue;
                }
                hashes[unique] = h;
                ownerText[unique] = names[(int) (packed[i] & 0xFFFFFFFFL)];
                unique++;
            }
            this.hashes = Arrays.copyOf(hashes, unique);
            this.servers = Arrays.copyOf(ownerText, unique);
            java.util.Map<String, int[]> byServer = new java.util.HashMap<>();
            for (int p = 0; p < list.number; p++) {
                int[] old = byServer.getOrDefault(names[p], new int[0]);
                int[] grown = Arrays.copyOf(old, old.length + 1);
                grown[old.length] = p;
                byServer.put(names[p], grown);
            }
            this.owners = new int[unique][];
            for (int i = 0; i < unique; i++) {
                this.owners[i] = byServer.get(servers[i]);
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

        /** Index of the first point whose hash is >= {@code hash} (may be {@code hashes.length}). */
        int findPoint(long hash) {
            int lo = 0;
            int hi = hashes.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                long h = hashes[mid];
                if (hash > h) {
                    lo = mid + 1;
                } else if (hash < h) {
                    hi = mid;
                } else {
                    return mid;
                }
            }
            return lo;
        }

        /** The configured server text owning {@code key} on an all-healthy ring (for tests and benchmarks). */
        String ownerOf(byte[] key) {
            return servers[findPoint(Integer.toUnsignedLong(Crc32.of(key))) % hashes.length];
        }

        @Override
        public Peer select(Attempt attempt, long now) {
            PeerList list = attempt.list;
            if (attempt.methodTries > Hash.MAX_DRAWS || list.single || list.number < 2 || attempt.key.length == 0) {
                return RoundRobin.pick(attempt, now);
            }
            if (!attempt.hashStarted) {
                attempt.hash = findPoint(Integer.toUnsignedLong(Crc32.of(attempt.key)));
                attempt.hashStarted = true;
            }
            Peer[] peers = list.peers;
            list.settle();
            while (true) {
                int[] candidates = owners[(int) (attempt.hash % hashes.length)];
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
