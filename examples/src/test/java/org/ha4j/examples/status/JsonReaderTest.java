package org.ha4j.examples.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ha4j.node.NodeState;
import org.junit.jupiter.api.Test;

/** The state document read back, and what a hostile status port could send instead. */
class JsonReaderTest {

  @Test
  void readsWhatTheStateDocumentWrites() {
    String json =
        new NodeState(Instant.EPOCH, List.of(), NodeState.ProxyState.of(Optional.empty())).toJson();
    assertThat(JsonReader.parse(json))
        .isEqualTo(
            Map.of(
                "at",
                "1970-01-01T00:00:00Z",
                "instances",
                List.of(),
                "proxy",
                Map.of(
                    "running",
                    false,
                    "activeSessions",
                    0L,
                    "listeners",
                    List.of(),
                    "upstreams",
                    Map.of(),
                    "faults",
                    Map.of()),
                "probes",
                List.of()));
  }

  @Test
  void readsEveryKindOfValue() {
    assertThat(
            JsonReader.parse(
                " {\"s\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\",\"n\":[-1,2.5,1e3,null,true,false]} "))
        .isEqualTo(
            Map.of(
                "s",
                "a\"\\/\b\f\n\r\té",
                "n",
                java.util.Arrays.asList(-1L, 2.5, 1000.0, null, true, false)));
  }

  @Test
  void malformedOrHostileInputIsANamedErrorWithItsOffset() {
    Map<String, String> bad =
        Map.of(
            "", "expected a value at offset 0, found the end",
            "{\"a\":1,}", "expected a member name in quotes at offset 7, found '}'",
            "[1 2]", "expected ',' or ']' at offset 3, found '2'",
            "\"abc", "expected the closing quote of a string at offset 4, found the end",
            "\"a\u0001\"", "expected no control character inside a string at offset 2",
            "\"\\x\"", "expected one of",
            "-", "expected a digit at offset 1",
            "1.", "expected a digit after '.' at offset 2",
            "tru", "expected a value at offset 0, found 't'",
            "{} {}", "expected the end of the document at offset 3, found '{'");
    bad.forEach(
        (text, message) ->
            assertThatThrownBy(() -> JsonReader.parse(text))
                .as(text)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message));
    String deep = "[".repeat(100_000);
    assertThatThrownBy(() -> JsonReader.parse(deep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JSON nested deeper than 64 at offset 65");
  }
}
