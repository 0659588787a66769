package dev.heartbeat.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.fakes.TestAgent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Probes decide whether a beat needs the model: unchanged probes skip it with 0 tokens, a change wakes the model
 * with the change in its prompt, a failure wakes it too (fail open), and what the model saw is the baseline.
 */
class ProbesTest extends AgentTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

    @BeforeEach
    void onAMovableClock() {
        agent.clock(clock);
        fake.otherwise(new dev.heartbeat.fakes.FakeProvider.Text("HEARTBEAT_OK"));
    }

    private JsonNode beatAfter(Duration d, String... more) throws Exception {
        clock.advance(d);
        String[] args = new String[2 + more.length];
        args[0] = "--once";
        args[1] = "--json";
        System.arraycopy(more, 0, args, 2, more.length);
        TestAgent.Result r = agent.run(args);
        assertThat(r.out()).as(r.err()).isNotBlank();
        return json(r.out());
    }

    private String lastPrompt() {
        JsonNode messages = fake.requests().get(fake.requests().size() - 1).path("messages");
        return messages.get(messages.size() - 1).path("content").asText();
    }

    private static JsonNode probe(JsonNode decision, String name) {
        for (JsonNode p : decision.path("probes")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no probe " + name + " in " + decision.path("probes"));
    }

    private void inbox(String text) throws Exception {
        Files.writeString(agent.workspace().resolve("inbox.md"), text);
    }

    @Test
    void unchangedProbesSkipTheBeatWithZeroTokensAndAChangeWakesTheModelWithItInThePrompt() throws Exception {
        inbox("- nothing new\n");
        agent.yaml("probes:\n  - { name: inbox, file: inbox.md }\n  - { name: orders, state: last_order_id }\n");

        JsonNode first = beatAfter(Duration.ZERO);
        assertThat(first.path("outcome").asText()).isEqualTo("quiet");
        assertThat(probe(first, "inbox").path("changed").asBoolean()).isTrue();
        assertThat(lastPrompt()).contains("## Probes", "### inbox (inbox.md): first look", "- nothing new");

        JsonNode second = beatAfter(Duration.ofMinutes(30));
        assertThat(second.path("outcome").asText()).isEqualTo("skipped");
        assertThat(second.path("reason").asText()).startsWith("nothing changed");
        assertThat(second.path("usage").path("input_tokens").asLong()).isZero();
        assertThat(second.path("model_calls")).isEmpty();
        assertThat(fake.requests()).hasSize(1);
        assertThat(probe(second, "inbox").path("changed").asBoolean()).isFalse();
        assertThat(probe(second, "inbox").path("result").asText()).isEqualTo("- nothing new\n");
        assertThat(probe(second, "orders").path("result").asText()).isEqualTo("(not set)");
        TestAgent.Result text = agent.run("--once");
        assertThat(text.out())
                .startsWith("SKIPPED: nothing changed")
                .contains("probes:   inbox unchanged; orders unchanged")
                .contains("tokens:   0 in / 0 out, 0 model call(s)");

        inbox("- nothing new\n- URGENT: the backup failed\n");
        JsonNode third = beatAfter(Duration.ofMinutes(30));
        assertThat(third.path("outcome").asText()).isEqualTo("quiet");
        assertThat(fake.requests()).hasSize(2);
        assertThat(probe(third, "inbox").path("changed").asBoolean()).isTrue();
        assertThat(probe(third, "orders").path("changed").asBoolean()).isFalse();
        String prompt = lastPrompt();
        assertThat(prompt)
                .contains("### inbox (inbox.md): changed")
                .contains("[untrusted data from probe inbox")
                .contains("| - URGENT: the backup failed")
                .contains("Unchanged since you last looked: orders.");
        assertThat(third.path("gates").toString()).contains("inbox changed");
        String shown = agent.run("decisions", "show", third.path("id").asText()).out();
        assertThat(shown).contains("probes:").containsPattern("inbox +changed, \\d+ ms: - nothing new");

        assertThat(beatAfter(Duration.ofMinutes(30)).path("outcome").asText()).isEqualTo("skipped");

        // A long file: its head is shown and the model told there is more; a change past the head still counts.
        String longer = "x".repeat(5000);
        inbox(longer + "a");
        beatAfter(Duration.ofMinutes(30));
        assertThat(lastPrompt())
                .contains("[... 1101 more bytes; read_file reads the rest]")
                .doesNotContain("characters cut");
        inbox(longer + "b");
        assertThat(beatAfter(Duration.ofMinutes(30)).path("outcome").asText()).isEqualTo("quiet");
    }

    @Test
    void aBeatThatFailedOrRanDryLeavesTheBaselineSoTheChangeIsNotMissed() throws Exception {
        inbox("a\n");
        agent.yaml("probes:\n  - { name: inbox, file: inbox.md }\n");
        beatAfter(Duration.ZERO);
        inbox("b\n");

        fake.status(500, "{\"error\": {\"message\": \"overloaded\"}}");
        JsonNode failed = beatAfter(Duration.ofMinutes(30));
        assertThat(failed.path("outcome").asText()).isEqualTo("failed");
        JsonNode dry = beatAfter(Duration.ofMinutes(30), "--dry-run");
        assertThat(dry.path("outcome").asText()).isEqualTo("quiet");

        JsonNode next = beatAfter(Duration.ofMinutes(30));
        assertThat(next.path("outcome").asText()).isEqualTo("quiet");
        assertThat(probe(next, "inbox").path("changed").asBoolean()).isTrue();
        assertThat(beatAfter(Duration.ofMinutes(30)).path("outcome").asText()).isEqualTo("skipped");
    }

    @Test
    void maxSilenceWakeAndForceCallTheModelThoughNothingChanged() throws Exception {
        inbox("a\n");
        agent.yaml("probes:\n  - { name: inbox, file: inbox.md }\nheartbeat:\n  max-silence: 2h\n");
        beatAfter(Duration.ZERO);
        assertThat(beatAfter(Duration.ofMinutes(90)).path("outcome").asText()).isEqualTo("skipped");

        JsonNode silent = beatAfter(Duration.ofMinutes(30));
        assertThat(silent.path("outcome").asText()).isEqualTo("quiet");
        assertThat(silent.path("gates").toString()).contains("heartbeat.max-silence (2h) has passed");
        assertThat(beatAfter(Duration.ofMinutes(30)).path("outcome").asText()).isEqualTo("skipped");

        JsonNode forced = beatAfter(Duration.ofMinutes(1), "--force");
        assertThat(forced.path("outcome").asText()).isEqualTo("quiet");
        assertThat(forced.path("gates").toString()).contains("asked for by --force; nothing changed");
        assertThat(fake.requests()).hasSize(3);
    }

    @Test
    void aConditionWakesTheModelWhileItHoldsAndAFailingProbeWakesItToo() throws Exception {
        Files.writeString(agent.workspace().resolve("queue.txt"), "backlog: 12\n");
        agent.yaml("tools:\n  run_command:\n    allow: [cat]\n"
                + "probes:\n  - { name: queue, command: [cat, queue.txt], when: \"output matches 'backlog: [1-9][0-9]{2,}'\" }\n"
                + "  - { name: missing, command: [cat, nothing-here.txt], every: 2h }\n");
        JsonNode first = beatAfter(Duration.ZERO);
        assertThat(probe(first, "queue").path("holds").asBoolean()).isFalse();
        assertThat(probe(first, "queue").path("result").asText()).isEqualTo("exit 0\nbacklog: 12\n");

        // A nonzero exit is a result like any other: the model saw it once, and it is no news after that.
        assertThat(probe(first, "missing").path("result").asText()).startsWith("exit 1");
        assertThat(beatAfter(Duration.ofMinutes(30)).path("outcome").asText()).isEqualTo("skipped");

        Files.writeString(agent.workspace().resolve("queue.txt"), "backlog: 250\n");
        JsonNode holds = beatAfter(Duration.ofMinutes(30));
        assertThat(holds.path("outcome").asText()).isEqualTo("quiet");
        assertThat(probe(holds, "queue").path("holds").asBoolean()).isTrue();
        assertThat(probe(holds, "missing").path("ran").asBoolean())
                .as("every: 2h — not due again, its last result stands")
                .isFalse();
        assertThat(lastPrompt()).contains("### queue (cat queue.txt): its condition holds");
        assertThat(beatAfter(Duration.ofMinutes(30)).path("outcome").asText())
                .as("still holds")
                .isEqualTo("quiet");
    }

    @Test
    void anHttpProbeReadsItsJsonPathAndFailsOpenWhenTheServerFails() throws Exception {
        AtomicReference<String> body =
                new AtomicReference<>("{\"page\": {\"updated_at\": \"10:00\"}, \"status\": {\"indicator\": \"none\"}}");
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/status.json", exchange -> {
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            agent.yaml("tools:\n  http_get:\n    allow-hosts: [127.0.0.1]\n    allow-private: [127.0.0.1]\n"
                    + "probes:\n  - { name: status, http: \"http://127.0.0.1:"
                    + server.getAddress().getPort()
                    + "/status.json\", json-path: \"$.status.indicator\" }\n");
            JsonNode first = beatAfter(Duration.ZERO);
            assertThat(probe(first, "status").path("result").asText()).isEqualTo("\"none\"");

            body.set("{\"page\": {\"updated_at\": \"10:30\"}, \"status\": {\"indicator\": \"none\"}}");
            assertThat(beatAfter(Duration.ofMinutes(30)).path("outcome").asText())
                    .as("only the value at the JSONPath counts")
                    .isEqualTo("skipped");

            status.set(503);
            JsonNode down = beatAfter(Duration.ofMinutes(30));
            assertThat(down.path("outcome").asText())
                    .as("a failing probe wakes the model")
                    .isEqualTo("quiet");
            assertThat(probe(down, "status").path("error").asText()).contains("HTTP 503");
            assertThat(lastPrompt())
                    .contains("### status (")
                    .contains("): failed\n")
                    .contains("| HTTP 503");

            status.set(200);
            assertThat(beatAfter(Duration.ofMinutes(30)).path("outcome").asText())
                    .as("back to what the model last saw: no news")
                    .isEqualTo("skipped");
            body.set("{\"status\": {\"indicator\": \"major\"}}");
            assertThat(beatAfter(Duration.ofMinutes(30)).path("outcome").asText())
                    .isEqualTo("quiet");
            assertThat(lastPrompt()).contains("| \"major\"");
        } finally {
            server.stop(0);
        }
    }

    private Path script(String name, String body) throws Exception {
        Path file = agent.home().resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void theWakeGateBesideTheConfigCanSayNoAndABrokenGateLetsTheModelBeCalled() throws Exception {
        script("pre-check.sh", "echo checking\necho '{\"wakeAgent\": false}'\n");
        inbox("a\n");
        agent.yaml("tools:\n  run_command:\n    allow: [./pre-check.sh]\n"
                + "probes:\n  - { name: inbox, file: inbox.md }\n"
                + "heartbeat:\n  wake-gate: [./pre-check.sh]\n");

        JsonNode no = beatAfter(Duration.ZERO);
        assertThat(no.path("outcome").asText()).isEqualTo("skipped");
        assertThat(no.path("reason").asText()).startsWith("wake-gate: ./pre-check.sh answered {\"wakeAgent\": false}");
        assertThat(no.path("usage").path("input_tokens").asLong()).isZero();
        assertThat(fake.requests()).isEmpty();

        JsonNode asked = beatAfter(Duration.ofMinutes(1), "--force");
        assertThat(asked.path("outcome").asText())
                .as("a person's ask passes the gate")
                .isEqualTo("quiet");

        inbox("b\n");
        script("pre-check.sh", "echo broken >&2\nexit 3\n");
        JsonNode broken = beatAfter(Duration.ofMinutes(30));
        assertThat(broken.path("outcome").asText()).isEqualTo("quiet");
        assertThat(broken.path("gates").toString()).contains("ended with exit 3; the model is called");
    }
}
