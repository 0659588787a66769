package dev.heartbeat.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.config.ModelConfig;
import dev.heartbeat.config.Provider;
import dev.heartbeat.config.Secret;
import dev.heartbeat.fakes.FakeAnthropic;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.model.ModelClient;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.UserMessage;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The proof that does not rely on our own validator: corrupted histories, repaired, are sent through
 * LangChain4j to the fake OpenAI and Anthropic servers, which reject what the real APIs reject.
 */
class ProvidersAcceptRepairedHistoriesTest {
    private static FakeOpenAi openAi;
    private static FakeAnthropic anthropic;
    private static ModelClient openAiClient;
    private static ModelClient anthropicClient;

    @BeforeContainer
    static void start() {
        openAi = new FakeOpenAi(TestAgent.KEY);
        anthropic = new FakeAnthropic(TestAgent.KEY);
        openAi.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
        anthropic.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
        openAiClient = ModelClient.of(settings("openai", openAi.baseUrl()));
        anthropicClient = ModelClient.of(settings("anthropic", anthropic.baseUrl()));
    }

    private static ModelConfig settings(String provider, String baseUrl) {
        return new ModelConfig(
                Provider.of(provider),
                "test-model",
                baseUrl,
                new Secret(TestAgent.KEY),
                null,
                null,
                Duration.ofSeconds(5),
                256,
                null,
                0);
    }

    @AfterContainer
    static void stop() {
        openAi.close();
        anthropic.close();
    }

    @Provide
    Arbitrary<List<Message>> corrupted() {
        return new RepairPropertiesTest().corrupted();
    }

    @Property(tries = 200)
    void openAiAndAnthropicAcceptEveryRepairedHistory(@ForAll("corrupted") List<Message> broken) {
        // The production path: repaired history -> context (whole answered turns) -> this beat's prompt.
        List<StoredMessage> stored = new ArrayList<>();
        long id = 0;
        for (Message m : Repairer.repair(Entry.numbered(broken)).messages()) {
            stored.add(new StoredMessage(++id, 2, OffsetDateTime.now(), null, m));
        }
        ContextBuilder builder = new ContextBuilder(
                TokenEstimator.forProvider(Provider.OPENAI), new ExtractiveSummarizer(), 1_000_000, 1_000_000, 16_000);
        List<Message> request =
                new ArrayList<>(builder.build(stored, Optional.empty()).messages());
        request.add(new UserMessage("Heartbeat: anything due?"));
        assertThat(HistoryValidator.validate(request, HistoryValidator.Mode.REQUEST))
                .isEmpty();

        openAiClient.ask(new SystemMessage("system"), request, List.of(), "x");
        anthropicClient.ask(new SystemMessage("system"), request, List.of(), "x");

        assertThat(openAi.rejections()).isEmpty();
        assertThat(anthropic.rejections()).isEmpty();
    }
}
