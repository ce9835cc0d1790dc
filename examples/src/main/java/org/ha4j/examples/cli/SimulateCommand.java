package org.ha4j.examples.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ha4j.core.config.ConfigText;
import org.ha4j.core.health.HealthStatus;
import org.ha4j.core.net.Ipv4Address;
import org.ha4j.core.net.Ipv4Cidr;
import org.ha4j.vrrp.codec.VrrpAdvertisement;
import org.ha4j.vrrp.codec.VrrpAuthentication;
import org.ha4j.vrrp.protocol.VrrpAction;
import org.ha4j.vrrp.protocol.VrrpRouterConfig;
import org.ha4j.vrrp.protocol.VrrpState;
import org.ha4j.vrrp.protocol.VrrpTiming;
import org.ha4j.vrrp.simulation.NetworkConditions;
import org.ha4j.vrrp.simulation.SimulatedRouter;
import org.ha4j.vrrp.simulation.SimulationListener;
import org.ha4j.vrrp.simulation.Timeline;
import org.ha4j.vrrp.simulation.VirtualLan;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ./ha4j simulate}: the reference deployment's failover story, run by the real state
 * machines on a virtual LAN in virtual time, printed as a timeline. Nothing touches the host's
 * network.
 *
 * <p>The two nodes are configured as the seed's keepalived.conf files (priority 100 {@code state
 * MASTER}, priority 90 {@code state BACKUP}, VRID 51, advert_int 1, PASS 1111, one VIP, {@code
 * track_script check_nginx} without a weight, which in keepalived means weight 0: FAULT while the
 * check fails), on the testbed's 10.200.0.0/24 addresses. The story: both start; nginx on LB1 dies
 * (check_nginx fails) at 10 s; it is back at 20 s; LB1 crashes at 30 s (no resignation); the run
 * ends at 40 s.
 */
@Command(
    name = "simulate",
    description =
        "Run the reference deployment's VRRP failover story in virtual time, on a virtual LAN:"
            + " nothing touches the host's network.")
final class SimulateCommand extends CliCommand {

  static final Duration NETWORK_DELAY = Duration.ofMillis(1);
  static final long END_SECONDS = 40;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "The seed of the virtual network's randomness (default: ${DEFAULT-VALUE}).")
  private long seed = 1;

  @Option(
      names = "--loss",
      paramLabel = "P",
      converter = LossConverter.class,
      description = "The share of advertisements lost, 0-1 or 0%-100% (default: 0).")
  private double loss = 0;

  @Override
  int run(PrintStream out, PrintStream err) {

    out.printf(
        Locale.ROOT,
        "ha4j simulate: the reference deployment in virtual time (seed %d, loss %s, "
            + "delay %d ms)%n",
        seed,
        percent(loss),
        NETWORK_DELAY.toMillis());
    out.println(
        "  LB1 10.200.0.10 priority 100 state MASTER | LB2 10.200.0.11 priority 90 state BACKUP");
    out.println(
        "  VRID 51, advert_int 1 s, auth PASS, VIP 10.200.0.100/24,"
            + " track_script check_nginx (no weight = 0: FAULT while it fails)");
    out.println();

    List<String[]> masterships = new ArrayList<>();
    long[] lastHeardFromLb1 = {-1};
    Timeline timeline = new Timeline(out::println);
    SimulationListener recorder =
        new SimulationListener() {
          @Override
          public void onAction(long nowNanos, SimulatedRouter router, VrrpAction action) {
            timeline.onAction(nowNanos, router, action);
            if (action instanceof VrrpAction.StateChanged c && c.to() == VrrpState.MASTER) {
              masterships.add(new String[] {router.name(), VirtualLan.seconds(nowNanos)});
            }
          }

          @Override
          public void onNote(long nowNanos, String text) {
            timeline.onNote(nowNanos, text);
          }

          @Override
          public void onDelivery(
              long nowNanos,
              SimulatedRouter from,
              SimulatedRouter to,
              VrrpAdvertisement advertisement) {
            if (from.name().equals("LB1")) {
              lastHeardFromLb1[0] = nowNanos;
            }
          }
        };
    VirtualLan lan =
        VirtualLan.builder(seed)
            .conditions(new NetworkConditions(loss, NETWORK_DELAY, NETWORK_DELAY, 0))
            .listener(recorder)
            .build();
    SimulatedRouter lb1 =
        lan.addRouter("LB1", node("10.200.0.10", 100, VrrpRouterConfig.InitialState.MASTER));
    SimulatedRouter lb2 =
        lan.addRouter("LB2", node("10.200.0.11", 90, VrrpRouterConfig.InitialState.BACKUP));

    lan.note("== story: LB1 and LB2 start");
    lb1.start();
    lb2.start();
    lan.runUntil(seconds(10));
    lan.note("== story: nginx on LB1 dies, so check_nginx fails");
    lb1.setHealth("check_nginx", HealthStatus.DOWN);
    lan.runUntil(seconds(20));
    lan.note("== story: nginx on LB1 is back, check_nginx passes");
    lb1.setHealth("check_nginx", HealthStatus.UP);
    lan.runUntil(seconds(30));
    lan.note("== story: LB1 crashes (no priority-0 resignation)");
    lb1.crash();
    lan.runUntil(seconds(END_SECONDS));
    lan.note("== story: end");

    out.println();
    out.printf(
        Locale.ROOT,
        "at %s: LB1 %s, LB2 %s%s; %d advertisements delivered, %d lost%n",
        VirtualLan.seconds(lan.nowNanos()),
        describe(lb1),
        describe(lb2),
        lan.master(51).map(m -> ", " + m.name() + " holds 10.200.0.100").orElse(""),
        lan.packetsDelivered(),
        lan.packetsLost());
    out.printf(
        Locale.ROOT,
        "mastership: %s%n",
        String.join(", ", masterships.stream().map(m -> m[0] + " at " + m[1]).toList()));
    if (lb2.state() == VrrpState.MASTER && lastHeardFromLb1[0] >= 0) {
      long takeover = lb2.snapshot().lastTransitionNanos();
      out.printf(
          Locale.ROOT,
          "after the crash: LB2 last heard LB1 at %s and became MASTER at %s, %s later"
              + " (its Master_Down_Interval)%n",
          VirtualLan.seconds(lastHeardFromLb1[0]),
          VirtualLan.seconds(takeover),
          VirtualLan.seconds(takeover - lastHeardFromLb1[0]));
    }
    out.printf(
        Locale.ROOT,
        "Master_Down_Interval: LB1 %s, LB2 %s; Skew_Time: LB1 %s, LB2 %s%n",
        VirtualLan.seconds(VrrpTiming.masterDownInterval(1, 100).toNanos()),
        VirtualLan.seconds(VrrpTiming.masterDownInterval(1, 90).toNanos()),
        VirtualLan.seconds(VrrpTiming.skewTime(100).toNanos()),
        VirtualLan.seconds(VrrpTiming.skewTime(90).toNanos()));
    return Ha4jCommandLine.EXIT_OK;
  }

  private static VrrpRouterConfig node(
      String address, int priority, VrrpRouterConfig.InitialState state) {
    return VrrpRouterConfig.builder()
        .instanceName("VI_1")
        .virtualRouterId(51)
        .priority(priority)
        .initialState(state)
        .advertIntervalSeconds(1)
        .authentication(VrrpAuthentication.password("1111"))
        .primaryAddress(Ipv4Address.parse(address))
        .addVirtualAddress(Ipv4Cidr.parse("10.200.0.100/24"))
        .track("check_nginx", 0)
        .build();
  }

  private static String describe(SimulatedRouter router) {
    return router.isRunning() ? router.state().toString() : "down";
  }

  private static long seconds(long s) {
    return s * 1_000_000_000L;
  }

  /** A share: {@code 0.1} or {@code 10%}. */
  static final class LossConverter implements ITypeConverter<Double> {
    @Override
    public Double convert(String text) {
      try {
        double value =
            text.endsWith("%")
                ? Double.parseDouble(text.substring(0, text.length() - 1)) / 100
                : Double.parseDouble(text);
        if (value >= 0 && value <= 1) {
          return value;
        }
      } catch (NumberFormatException e) {
        // named below, with what is allowed
      }
      throw new TypeConversionException(
          "must be 0-1 (or 0%-100%), got '" + ConfigText.echo(text) + "'");
    }
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.4g%%", fraction * 100).replaceAll("\\.?0+%$", "%");
  }
}
