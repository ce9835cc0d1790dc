package org.ha4j.node.metrics;

import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.ha4j.vrrp.VrrpInstance;
import org.ha4j.vrrp.VrrpInstanceSnapshot;
import org.ha4j.vrrp.codec.VrrpRejectReason;
import org.ha4j.vrrp.protocol.VrrpState;

/**
 * Meters of VRRP instances, tagged {@code instance} with keepalived's instance name:
 *
 * <ul>
 *   <li>{@code ha4j.vrrp.state} (gauge, tag {@code state}): 1 for the state the instance is in, 0
 *       for the others, so an alert can ask for "exactly one MASTER";
 *   <li>{@code ha4j.vrrp.priority} (gauge, tag {@code kind} = {@code base} or {@code effective});
 *   <li>{@code ha4j.vrrp.adverts} (counter, tag {@code direction} = {@code sent} or {@code
 *       received});
 *   <li>{@code ha4j.vrrp.transitions} (counter, tags {@code from} and {@code to}): state changes,
 *       one series per pair of different states;
 *   <li>{@code ha4j.vrrp.dropped} (counter, tag {@code reason}): one per decoder rejection, the
 *       source-address reasons {@code NOT_A_PEER} and {@code OWN_ADVERTISEMENT}, and {@code all}
 *       for every drop;
 *   <li>{@code ha4j.vrrp.send.failures} (counter) and {@code ha4j.vrrp.interface.up} (gauge).
 * </ul>
 *
 * <p>The series follow the instances {@code instances} gives at each {@link #refresh()}: a reload's
 * new instances get theirs, removed ones lose theirs, and an instance a reload started again under
 * the same name keeps its series, whose counters carry on from the replaced instance's values.
 */
public final class VrrpMetrics extends FollowingBinder<VrrpInstance> {

  /**
   * @param instances the instances to meter, read when bound and at each {@link #refresh()} (for
   *     example {@code node::instances})
   */
  public VrrpMetrics(Supplier<? extends Collection<VrrpInstance>> instances) {
    super(instances, VrrpInstance::name);
  }

  private static final Map<String, String> DESCRIPTIONS =
      Map.of(
          "ha4j.vrrp.state", "1 for the instance's current state, 0 for the others",
          "ha4j.vrrp.priority", "configured (base) or with tracked weights applied (effective)",
          "ha4j.vrrp.interface.up", "1 while the instance's interface is up",
          "ha4j.vrrp.adverts", "advertisements sent (resignations included) or validly received",
          "ha4j.vrrp.send.failures", "advertisements or gratuitous ARPs the kernel refused",
          "ha4j.vrrp.dropped", "received packets dropped, by reason",
          "ha4j.vrrp.transitions", "state changes, by the state left and the state entered");

  /** The transport's drop reasons, by source address: their enum is internal to ha-vrrp. */
  private static final List<String> BY_SOURCE = List.of("NOT_A_PEER", "OWN_ADVERTISEMENT");

  @Override
  void register(Meters meters, String name, Followed<VrrpInstance> instance) {
    Tags tags = Tags.of("instance", name);
    for (VrrpState state : VrrpState.values()) {
      gauge(
          meters,
          instance,
          "ha4j.vrrp.state",
          tags.and("state", state.name()),
          s -> s.state() == state ? 1 : 0);
    }
    gauge(
        meters,
        instance,
        "ha4j.vrrp.priority",
        tags.and("kind", "base"),
        VrrpInstanceSnapshot::basePriority);
    gauge(
        meters,
        instance,
        "ha4j.vrrp.priority",
        tags.and("kind", "effective"),
        VrrpInstanceSnapshot::effectivePriority);
    gauge(meters, instance, "ha4j.vrrp.interface.up", tags, s -> s.interfaceUp() ? 1 : 0);
    counter(
        meters,
        instance,
        "ha4j.vrrp.adverts",
        tags.and("direction", "sent"),
        VrrpInstanceSnapshot::advertsSent);
    counter(
        meters,
        instance,
        "ha4j.vrrp.adverts",
        tags.and("direction", "received"),
        VrrpInstanceSnapshot::advertsReceived);
    counter(meters, instance, "ha4j.vrrp.send.failures", tags, VrrpInstanceSnapshot::sendFailures);
    counter(
        meters,
        instance,
        "ha4j.vrrp.dropped",
        tags.and("reason", "all"),
        VrrpInstanceSnapshot::droppedTotal);
    List<String> reasons = new ArrayList<>();
    for (VrrpRejectReason reason : VrrpRejectReason.values()) {
      reasons.add(reason.name());
    }
    reasons.addAll(BY_SOURCE);
    for (String reason : reasons) {
      counter(
          meters,
          instance,
          "ha4j.vrrp.dropped",
          tags.and("reason", reason),
          s -> s.dropped(reason));
    }
    for (VrrpState from : VrrpState.values()) {
      for (VrrpState to : VrrpState.values()) {
        if (from != to) {
          counter(
              meters,
              instance,
              "ha4j.vrrp.transitions",
              tags.and("from", from.name(), "to", to.name()),
              s -> s.transitions(from, to));
        }
      }
    }
  }

  private static void gauge(
      Meters meters,
      Followed<VrrpInstance> instance,
      String name,
      Tags tags,
      ToDoubleFunction<VrrpInstanceSnapshot> value) {
    meters.gauge(
        name,
        DESCRIPTIONS.get(name),
        tags,
        instance,
        f -> f.read(i -> value.applyAsDouble(i.snapshot())));
  }

  private static void counter(
      Meters meters,
      Followed<VrrpInstance> instance,
      String name,
      Tags tags,
      ToDoubleFunction<VrrpInstanceSnapshot> value) {
    meters.counter(
        name,
        DESCRIPTIONS.get(name),
        tags,
        null,
        instance,
        instance.counter(i -> value.applyAsDouble(i.snapshot())));
  }
}
