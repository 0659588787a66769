package dev.heartbeat.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.model.ModelRouter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A beat as spans: invoke_agent with its model calls and tool calls under it, named as the GenAI conventions say. */
class BeatTracesTest extends AgentTest {
    private List<SpanData> beat(boolean content) throws Exception {
        Files.writeString(agent.workspace().resolve("NOTES.md"), "disk at 41%\n");
        fake.call("read_file", "{\"path\": \"NOTES.md\"}").text("All fine, key " + TestAgent.KEY + " unused.");
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build();
                AgentRuntime runtime = new AgentRuntime(
                        config,
                        Clock.systemUTC(),
                        ModelRouter.of(config.model(), Clock.systemUTC()),
                        List.of(new BeatTraces(provider.get("test"), "test-agent", content)))) {
            Decision d = runtime.beat(new BeatOptions(Decision.Trigger.MANUAL, false, false));
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.ACTED);
            // Read before the provider closes: closing shuts the in-memory exporter down, which empties it.
            return spans.getFinishedSpanItems();
        }
    }

    private static SpanData named(List<SpanData> spans, String name) {
        return spans.stream()
                .filter(s -> s.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
    }

    @Test
    void aBeatIsOneTraceWithItsModelAndToolCallsUnderIt() throws Exception {
        List<SpanData> spans = beat(false);

        SpanData beat = named(spans, "invoke_agent test-agent");
        assertThat(spans)
                .extracting(SpanData::getName)
                .containsExactlyInAnyOrder(
                        "chat test-model", "execute_tool read_file", "chat test-model", "invoke_agent test-agent");
        assertThat(spans).allMatch(s -> s.getTraceId().equals(beat.getTraceId()));
        assertThat(spans)
                .filteredOn(s -> s != beat)
                .allMatch(s -> s.getParentSpanId().equals(beat.getSpanId()));
        SpanData chat = named(spans, "chat test-model");
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
                .isEqualTo("openai");
        assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
                .isPositive();
        assertThat(named(spans, "execute_tool read_file")
                        .getAttributes()
                        .get(AttributeKey.stringKey("heartbeat.tool.outcome")))
                .isEqualTo("ok");
        assertThat(beat.getAttributes().get(AttributeKey.stringKey("heartbeat.outcome")))
                .isEqualTo("acted");
        assertThat(beat.getAttributes().asMap().keySet())
                .extracting(AttributeKey::getKey)
                .doesNotContain("gen_ai.output.messages");
        assertThat(spans.toString()).doesNotContain("NOTES.md").doesNotContain(TestAgent.KEY);
    }

    @Test
    void contentGoesOutOnlyWhenTheOperatorOptsInAndMasked() throws Exception {
        List<SpanData> spans = beat(true);
        SpanData beat = named(spans, "invoke_agent test-agent");
        assertThat(String.valueOf(beat.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.output.messages"))))
                .contains("All fine")
                .doesNotContain(TestAgent.KEY);
        assertThat(named(spans, "execute_tool read_file")
                        .getAttributes()
                        .get(AttributeKey.stringKey("gen_ai.tool.call.arguments")))
                .contains("NOTES.md");
    }
}
