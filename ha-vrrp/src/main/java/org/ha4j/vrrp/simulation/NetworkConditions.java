package org.ha4j.vrrp.simulation;

import java.time.Duration;
import java.util.Objects;

/**
 * How the virtual LAN treats each advertisement: lost with {@code lossProbability}, else delivered
 * after a delay drawn uniformly from {@code [minDelay, maxDelay]}, and delivered a second time
 * (with its own delay) with {@code duplicateProbability}. Delays differ per packet, so packets can
 * be reordered.
 */
public record NetworkConditions(
    double lossProbability, Duration minDelay, Duration maxDelay, double duplicateProbability) {

  public NetworkConditions {
    checkProbability("loss", lossProbability);
    checkProbability("duplicate", duplicateProbability);
    Objects.requireNonNull(minDelay, "minDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
      throw new IllegalArgumentException(
          "delays must satisfy 0 <= min <= max, got " + minDelay + ", " + maxDelay);
    }
  }

  /** Every packet arrives once, after exactly {@code delay}. */
  public static NetworkConditions perfect(Duration delay) {
    return new NetworkConditions(0, delay, delay, 0);
  }

  public NetworkConditions withLoss(double probability) {
    return new NetworkConditions(probability, minDelay, maxDelay, duplicateProbability);
  }

  /** Whether any packet can be lost (a loss disturbs the network; see {@link VirtualLan}). */
  public boolean lossy() {
    return lossProbability > 0;
  }

  private static void checkProbability(String what, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(what + " probability must be 0-1, got " + p);
    }
  }
}
