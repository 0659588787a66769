package dev.heartbeat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"90s,PT1M30S", "30m,PT30M", "1h30m,PT1H30M", "2d,PT48H", "0m,PT0S", "250ms,PT0.25S", "PT5M,PT5M"})
    void parses(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "m", "30 m", "1h 30m", "-5m", "5x", "half an hour"})
    void rejects(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"90s", "30m", "1h30m", "2d", "250ms", "1d2h3m4s"})
    void formatsWhatItParses(String text) {
        assertThat(Durations.parse(Durations.format(Durations.parse(text)))).isEqualTo(Durations.parse(text));
    }
}
