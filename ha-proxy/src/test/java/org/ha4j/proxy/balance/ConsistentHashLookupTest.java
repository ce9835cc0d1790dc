package org.ha4j.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ketama lookup table finds exactly the point nginx's binary search over the whole ring finds:
 * for random hashes, for every point's hash and its neighbours, and at both ends of the 32-bit
 * range.
 */
class ConsistentHashLookupTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 16, 100, 256})
  void tableLookupEqualsBinarySearchOverTheWholeRing(int servers) {
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < servers; i++) {
      peers.add(
          new Peer(
              ServerSpec.parse(
                  "10.2." + i / 250 + "." + (i % 250 + 1) + ":80 weight=" + (i % 4 + 1))));
    }
    ConsistentHash.Ring ring = new ConsistentHash.Ring(new PeerGroup(peers).primary);
    long[] hashes = new long[ring.points.length];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = ring.hashAt(i);
    }
    assertThat(hashes).isSorted().doesNotHaveDuplicates();
    SplittableRandom random = new SplittableRandom(servers);
    for (int i = 0; i < 200_000; i++) {
      long hash = Integer.toUnsignedLong(random.nextInt());
      assertThat(ring.findPoint(hash)).as("hash %d", hash).isEqualTo(lowerBound(hashes, hash));
    }
    for (long point : hashes) {
      for (long hash = point - 1; hash <= point + 1; hash++) {
        if (hash >= 0 && hash <= 0xFFFFFFFFL) {
          assertThat(ring.findPoint(hash)).as("hash %d", hash).isEqualTo(lowerBound(hashes, hash));
        }
      }
    }
    for (long hash : new long[] {0, 1, 0xFFFFFFFEL, 0xFFFFFFFFL}) {
      assertThat(ring.findPoint(hash)).as("hash %d", hash).isEqualTo(lowerBound(hashes, hash));
    }
  }

  /** nginx's search: the first point >= hash, over the whole sorted ring. */
  private static int lowerBound(long[] hashes, long hash) {
    int lo = 0;
    int hi = hashes.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (hashes[mid] < hash) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
