package dev.heartbeat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated week — 336 beats at 30 minutes — against the fake OpenAI server, in a scripted world, run twice in
 * one process: without probes (the model checks everything itself, with tool calls, every beat) and with them.
 * The world: a file (inbox.md) that changes 5 times, a queue whose backlog crosses a threshold twice (each for
 * two beats), and a status page that fails for an hour. Prints model calls, tokens, tokens per quiet beat, and
 * the beat at which the model first saw each of the 7 events.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.ProbesWeekBench</pre>
 */
public final class ProbesWeekBench {
    static final int BEATS = 336;
    /** beat → the event that happens at it: what the model must be shown. */
    static final Map<Integer, String> EVENTS = new LinkedHashMap<>();

    static {
        EVENTS.put(20, "inbox message-1");
        EVENTS.put(75, "inbox message-2");
        EVENTS.put(100, "backlog: 250");
        EVENTS.put(140, "inbox message-3");
        EVENTS.put(200, "inbox message-4");
        EVENTS.put(250, "backlog: 400");
        EVENTS.put(290, "inbox message-5");
    }

    static final int STATUS_DOWN_FROM = 160;
    static final int STATUS_DOWN_BEATS = 2;

    /** What one run of the week came to. */
    record Week(
            int modelCalls,
            long inputTokens,
            long outputTokens,
            int quietBeats,
            long quietTokens,
            int skipped,
            Map<String, Integer> firstSeen) {
        double perQuietBeat() {
            return quietBeats == 0 ? 0 : (double) quietTokens / quietBeats;
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.println("machine: " + Stats.machine());
        System.out.println("a week of " + BEATS + " beats at 30 min; events at beats " + EVENTS);
        long t0 = System.nanoTime();
        Week off = week(false);
        long t1 = System.nanoTime();
        Week on = week(true);
        long t2 = System.nanoTime();
        System.out.printf("%-34s %14s %14s%n", "", "probes off", "probes on");
        row("model calls", off.modelCalls(), on.modelCalls());
        row("beats skipped before the model", off.skipped(), on.skipped());
        row("input tokens", off.inputTokens(), on.inputTokens());
        row("output tokens", off.outputTokens(), on.outputTokens());
        System.out.printf("%-34s %14.1f %14.1f%n", "tokens per quiet beat", off.perQuietBeat(), on.perQuietBeat());
        System.out.printf("%-34s %14.1f %14.1f%n", "wall time of the week, s", (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        int missed = 0;
        int late = 0;
        for (Map.Entry<Integer, String> e : EVENTS.entrySet()) {
            Integer a = off.firstSeen().get(e.getValue());
            Integer b = on.firstSeen().get(e.getValue());
            System.out.printf(
                    "%-34s %14s %14s%n",
                    "event at beat " + e.getKey() + " (" + e.getValue() + ") seen at",
                    a == null ? "missed" : "beat " + a,
                    b == null ? "missed" : "beat " + b);
            if (b == null) {
                missed++;
            } else if (b - e.getKey() > 1) {
                late++;
            }
        }
        long totalOff = off.inputTokens() + off.outputTokens();
        long totalOn = on.inputTokens() + on.outputTokens();
        System.out.printf(
                "tokens with probes: %.1f%% fewer (%d vs %d); events missed with probes: %d; seen later than one "
                        + "beat: %d%n",
                100.0 * (totalOff - totalOn) / totalOff, totalOn, totalOff, missed, late);
    }

    private static void row(String name, long a, long b) {
        System.out.printf("%-34s %14d %14d%n", name, a, b);
    }

    private static Week week(boolean probes) throws Exception {
        Path home = Files.createTempDirectory("hb-bench-probes");
        int[] beat = {0};
        Map<String, Integer> firstSeen = new LinkedHashMap<>();
        HttpServer status = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        status.createContext("/status.json", exchange -> {
            boolean down = beat[0] >= STATUS_DOWN_FROM && beat[0] < STATUS_DOWN_FROM + STATUS_DOWN_BEATS;
            byte[] bytes = (down ? "{\"error\": \"unavailable\"}" : "{\"status\": {\"indicator\": \"none\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(down ? 503 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        status.start();
        String url = "http://127.0.0.1:" + status.getAddress().getPort() + "/status.json";
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            // The simulated model: it notes which events the request shows it, and without probes checks the
            // world itself (the three reads in one reply) before answering.
            fake.answering(request -> {
                String text = request.path("messages").toString();
                EVENTS.values().forEach(event -> {
                    if (text.contains(marker(event))) {
                        firstSeen.putIfAbsent(event, beat[0]);
                    }
                });
                JsonNode messages = request.path("messages");
                boolean toolResultLast =
                        messages.get(messages.size() - 1).path("role").asText().equals("tool");
                if (probes || toolResultLast) {
                    return new FakeProvider.Text("HEARTBEAT_OK");
                }
                return new FakeProvider.Calls(List.of(
                        new FakeProvider.Call(null, "read_file", "{\"path\": \"inbox.md\"}"),
                        new FakeProvider.Call(null, "run_command", "{\"program\": \"./check-queue.sh\"}"),
                        new FakeProvider.Call(null, "http_get", "{\"url\": \"" + url + "\"}")));
            });
            fake.withoutTools(new FakeProvider.Text("- Earlier beats checked the inbox, queue and status page."));
            TestAgent agent = new TestAgent(home, fake);
            agent.checklist("# Checks\n- Read inbox.md and tell the operator about new messages.\n"
                    + "- Run ./check-queue.sh; a backlog over 100 needs the operator.\n"
                    + "- The status page " + url + " should say indicator none.\n");
            Path script = home.resolve("check-queue.sh");
            Files.writeString(script, "#!/bin/sh\ncat queue.txt\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            agent.yaml("tools:\n  run_command:\n    allow: [./check-queue.sh]\n"
                    + "  http_get:\n    allow-hosts: [127.0.0.1]\n    allow-private: [127.0.0.1]\n"
                    + "  approvals:\n    consequential: []\n"
                    + (probes
                            ? "probes:\n  - { name: inbox, file: inbox.md }\n"
                                    + "  - { name: queue, command: [./check-queue.sh], "
                                    + "when: \"output matches 'backlog: [1-9][0-9]{2,}'\" }\n"
                                    + "  - { name: status, http: \"" + url + "\", json-path: \"$.status.indicator\" }\n"
                            : ""));
            AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
            MutableClock clock = new MutableClock(Instant.parse("2026-11-16T00:00:00Z"), ZoneOffset.UTC);
            StringBuilder inbox = new StringBuilder("# Inbox\n");
            int calls = 0;
            long in = 0;
            long out = 0;
            int quiet = 0;
            long quietTokens = 0;
            int skipped = 0;
            try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
                for (int b = 1; b <= BEATS; b++) {
                    beat[0] = b;
                    String event = EVENTS.get(b);
                    if (event != null && event.startsWith("inbox ")) {
                        inbox.append("- ").append(marker(event)).append(": please call the supplier\n");
                    }
                    Files.writeString(agent.workspace().resolve("inbox.md"), inbox);
                    Files.writeString(agent.workspace().resolve("queue.txt"), "backlog: " + backlog(b) + "\n");
                    Decision d = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
                    calls += d.modelCalls().size();
                    in += d.usage().inputTokens();
                    out += d.usage().outputTokens();
                    if (d.outcome() == Decision.Outcome.SKIPPED) {
                        skipped++;
                    }
                    if (!eventful(b)) {
                        quiet++;
                        quietTokens += d.usage().inputTokens() + d.usage().outputTokens();
                    }
                    clock.advance(Duration.ofMinutes(30));
                }
            }
            return new Week(calls, in, out, quiet, quietTokens, skipped, firstSeen);
        } finally {
            status.stop(0);
        }
    }

    /** What the model is shown of an event: the inbox line's text, or the queue's output. */
    static String marker(String event) {
        return event.startsWith("inbox ") ? event.substring("inbox ".length()) : event;
    }

    /** The queue's backlog at a beat: small and changing, over 100 for two beats at each crossing. */
    static int backlog(int beat) {
        if (beat == 100 || beat == 101) {
            return 250;
        }
        if (beat == 250 || beat == 251) {
            return 400;
        }
        return 10 + beat % 37;
    }

    /** A beat with news for the model: an event, a crossing still on, the status page down. */
    static boolean eventful(int beat) {
        return EVENTS.containsKey(beat)
                || beat == 101
                || beat == 251
                || (beat >= STATUS_DOWN_FROM && beat < STATUS_DOWN_FROM + STATUS_DOWN_BEATS);
    }
}
