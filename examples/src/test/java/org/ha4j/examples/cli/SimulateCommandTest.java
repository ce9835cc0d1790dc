package org.ha4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulateCommandTest {

  static CommandRun run(String... args) {
    return CommandRun.of(args);
  }

  @Test
  void theReferenceStoryInOrderWithItsTimestamps() {
    CommandRun result = run("simulate");

    assertThat(result.exit()).isZero();
    assertThat(result.err()).isEmpty();
    // 1 ms network delay; Master_Down_Interval 3.609375 s (prio 100) / 3.6484375 s (prio 90);
    // Skew_Time of LB2 0.6484375 s
    assertThat(result.lines())
        .containsSubsequence(
            "  0.000000 s  LB1   INITIALIZE -> BACKUP (start: waiting Master_Down_Interval 3.609 s for a master"
                + " (state MASTER: a non-owner still starts as BACKUP, as keepalived does))",
            "  0.000000 s  LB2   INITIALIZE -> BACKUP (start: waiting Master_Down_Interval 3.648 s for a master)",
            "  3.609375 s  LB1   adds 10.200.0.100/24",
            "  3.609375 s  LB1   BACKUP -> MASTER (no advertisement for Master_Down_Interval 3.609 s)",
            " 10.000000 s  --    LB1 check_nginx DOWN",
            " 10.000000 s  LB1   advertises priority 0 (resigns)",
            " 10.000000 s  LB1   removes 10.200.0.100/24",
            " 10.000000 s  LB1   MASTER -> FAULT (tracked check_nginx DOWN (weight 0))",
            " 10.649438 s  LB2   adds 10.200.0.100/24",
            " 10.649438 s  LB2   BACKUP -> MASTER (master resigned (priority 0); Skew_Time 0.648 s elapsed)",
            " 20.000000 s  LB1   FAULT -> BACKUP (tracked check_nginx UP: fault cleared; Master_Down_Interval 3.609 s)",
            " 23.609375 s  LB1   BACKUP -> MASTER (preempting 10.200.0.11 (priority 90 < ours 100))",
            " 23.610375 s  LB2   removes 10.200.0.100/24",
            " 23.610375 s  LB2   MASTER -> BACKUP (advertisement from 10.200.0.10 with higher priority 100 (ours 90);"
                + " Master_Down_Interval 3.648 s)",
            " 30.000000 s  --    LB1 crashes",
            " 33.258813 s  LB2   BACKUP -> MASTER (no advertisement for Master_Down_Interval 3.648 s)",
            "mastership: LB1 at 3.609375 s, LB2 at 10.649438 s, LB1 at 23.609375 s, LB2 at 33.258813 s",
            "after the crash: LB2 last heard LB1 at 29.610375 s and became MASTER at 33.258813 s, 3.648438 s later"
                + " (its Master_Down_Interval)");
    assertThat(result.out()).contains("LB1 down, LB2 MASTER, LB2 holds 10.200.0.100", "0 lost");
    // the VIP is never on both hosts: every "adds" after the first is preceded by the other's
    // "removes"
    assertThat(result.lines().stream().filter(l -> l.contains("BACKUP -> MASTER")).count())
        .isEqualTo(4);
  }

  @Test
  void sameSeedSameOutput() {
    CommandRun first = run("simulate", "--seed", "7", "--loss", "10%");
    CommandRun second = run("simulate", "--seed=7", "--loss=0.1");
    assertThat(first.exit()).isZero();
    assertThat(first.out()).contains("(seed 7, loss 10%, delay 1 ms)");
    assertThat(first.out().replace("loss 10%", "")).isEqualTo(second.out().replace("loss 10%", ""));
    assertThat(first.out()).containsPattern("[1-9][0-9]* lost");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("simulate", "--loss", "2").exit()).isEqualTo(2);
    assertThat(run("simulate", "--loss", "x").err()).contains("--loss must be 0-1");
    assertThat(run("simulate", "--seed", "abc").exit()).isEqualTo(2);
    assertThat(run("simulate", "--bogus").exit()).isEqualTo(2);
    assertThat(run("simulate", "extra").exit()).isEqualTo(2);
    assertThat(run("simulate", "--help").out())
        .contains("usage: ha4j simulate [-hV] [--seed=N] [--loss=P]");
  }
}
