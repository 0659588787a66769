package dev.heartbeat.beat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HeadAnchor;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.model.ModelRouter;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What watches a beat hears each step once it is on record, and can never fail or change the beat. */
class BeatListenerTest extends AgentTest {

    /** Writes down what it hears, in order. */
    private static final class Heard implements BeatListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void beatStarted(String beatId, BeatOptions options) {
            events.add("started " + options.trigger().wire());
        }

        @Override
        public void modelCalled(String beatId, Decision.ModelCall call) {
            events.add("model " + call.outputTokens());
        }

        @Override
        public void toolCalled(String beatId, Decision.ToolCallRecord call) {
            events.add("tool " + call.name() + " " + call.outcome().wire());
        }

        @Override
        public void notified(String beatId, Decision.NotificationRecord n) {
            events.add("notified " + n.status());
        }

        @Override
        public void beatRecorded(Decision decision, Optional<HeadAnchor.Head> head) {
            events.add("recorded " + decision.outcome().wire() + " head "
                    + head.map(HeadAnchor.Head::id).orElse("-"));
        }
    }

    /** Throws at every event. */
    private static final class Broken implements BeatListener {
        @Override
        public void beatStarted(String beatId, BeatOptions options) {
            throw new IllegalStateException("listener down");
        }

        @Override
        public void toolCalled(String beatId, Decision.ToolCallRecord call) {
            throw new IllegalStateException("listener down");
        }

        @Override
        public void beatRecorded(Decision decision, Optional<HeadAnchor.Head> head) {
            throw new IllegalStateException("listener down");
        }
    }

    private AgentRuntime runtime(BeatListener... listeners) throws Exception {
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        Clock clock = Clock.systemUTC();
        return new AgentRuntime(config, clock, ModelRouter.of(config.model(), clock), List.of(listeners));
    }

    @Test
    void aListenerHearsEachStepOfABeatInOrderAfterItIsOnRecord() throws Exception {
        Files.writeString(agent.workspace().resolve("NOTES.md"), "disk URGENT: 97% full\n");
        fake.call("read_file", "{\"path\":\"NOTES.md\"}")
                .call("notify", "{\"message\":\"disk is 97% full\"}")
                .text("Told the operator.");
        Heard heard = new Heard();
        Decision d;
        try (AgentRuntime runtime = runtime(heard)) {
            d = runtime.beat(new BeatOptions(Decision.Trigger.MANUAL, false, false));
        }
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.ACTED);
        assertThat(heard.events).first().isEqualTo("started manual");
        assertThat(heard.events)
                .containsSubsequence(
                        "model " + d.modelCalls().get(0).outputTokens(),
                        "tool read_file ok",
                        "model " + d.modelCalls().get(1).outputTokens(),
                        "notified sent",
                        "tool notify ok",
                        "recorded acted head " + d.id());
        assertThat(heard.events)
                .filteredOn(e -> e.startsWith("model "))
                .hasSize(d.modelCalls().size());
        assertThat(heard.events).filteredOn(e -> e.startsWith("recorded ")).hasSize(1);
    }

    @Test
    void aListenerThatThrowsNeitherFailsNorChangesTheBeat() throws Exception {
        fake.call("read_file", "{\"path\":\"HEARTBEAT.md\"}").text("HEARTBEAT_OK");
        Heard after = new Heard();
        Decision d;
        try (AgentRuntime runtime = runtime(new Broken(), after)) {
            d = runtime.beat(new BeatOptions(Decision.Trigger.MANUAL, false, false));
        }
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.QUIET);
        assertThat(d.toolCalls())
                .singleElement()
                .satisfies(t -> assertThat(t.executed()).isTrue());
        assertThat(after.events)
                .as("the listener after the broken one still hears everything")
                .contains("started manual", "tool read_file ok", "recorded quiet head " + d.id());
        assertThat(agent.run("decisions", "verify").exit()).isZero();
    }
}
