package org.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigDurationsTest {

    @Test
    void readsNginxTimeSyntax() {
        assertThat(ConfigDurations.parseNginx("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigDurations.parseNginx("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(ConfigDurations.parseNginx("60")).isEqualTo(Duration.ofSeconds(60));
        assertThat(ConfigDurations.parseNginx("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(ConfigDurations.parseNginx("1h 30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ConfigDurations.parseNginx("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(ConfigDurations.parseNginx("2w")).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void namesTheProblemInBadNginxDurations() {
        assertThatThrownBy(() -> ConfigDurations.parseNginx("10x")).hasMessageContaining("unknown unit 'x'");
        assertThatThrownBy(() -> ConfigDurations.parseNginx("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ConfigDurations.parseNginx("-5s")).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> ConfigDurations.parseNginx("s")).hasMessageContaining("'s'");
    }

    @Test
    void formatsAsNginxWouldWriteIt() {
        assertThat(ConfigDurations.format(Duration.ofSeconds(60))).isEqualTo("1m");
        assertThat(ConfigDurations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        assertThat(ConfigDurations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(ConfigDurations.format(Duration.ZERO)).isEqualTo("0s");
        for (Duration d : new Duration[] {Duration.ofMillis(1), Duration.ofDays(3).plusSeconds(7), Duration.ofMinutes(10)}) {
            assertThat(ConfigDurations.parseNginx(ConfigDurations.format(d))).isEqualTo(d);
        }
    }

    @Test
    void readsKeepalivedDecimalSeconds() {
        assertThat(ConfigDurations.parseSeconds("1")).isEqualTo(Duration.ofSeconds(1));
        assertThat(ConfigDurations.parseSeconds("0.5")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigDurations.parseSeconds("2.000125")).isEqualTo(Duration.ofNanos(2_000_125_000));
        assertThatThrownBy(() -> ConfigDurations.parseSeconds("-1")).hasMessageContaining("'-1'");
        assertThatThrownBy(() -> ConfigDurations.parseSeconds("1s")).hasMessageContaining("seconds");
    }
}
