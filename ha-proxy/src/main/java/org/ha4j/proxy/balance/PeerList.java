package org.ha4j.proxy.balance;

import java.util.List;

/**
 * The primary or the backup servers of an upstream in configuration order, with the totals the balancers
 * need ({@code ngx_stream_upstream_rr_peers_t}).
 */
final class PeerList {

    final Peer[] peers;
    final int number;
    final long totalWeight;
    /** Cumulative weights: ranges[i] = sum of weight[0..i-1]; ranges[number] = totalWeight. */
    final long[] ranges;
    /** nginx's {@code single}: exactly one primary and no backup; failure accounting is then skipped. */
    final boolean single;
    final boolean backup;

    PeerList(List<Peer> list, boolean backup, boolean hasBackup) {
        this.peers = list.toArray(new Peer[0]);
        this.number = peers.length;
        this.ranges = new long[number + 1];
        long total = 0;
        for (int i = 0; i < number; i++) {
            ranges[i] = total;
            total += peers[i].weight;
        }
        ranges[number] = total;
        this.totalWeight = total;
        this.backup = backup;
        this.single = !backup && number == 1 && !hasBackup;
    }

    /** The index of the peer owning weight unit {@code w} (0 <= w < totalWeight): nginx's weight walk. */
    int indexOfWeightUnit(long w) {
        int lo = 0;
        int hi = number;
        // first i with ranges[i+1] > w, i.e. the walk "while (w >= weight) w -= weight, next"
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (w < ranges[mid]) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return lo;
    }
}
