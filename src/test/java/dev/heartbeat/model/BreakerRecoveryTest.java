package dev.heartbeat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeat.config.ModelConfig;
import dev.heartbeat.config.Provider;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.UserMessage;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The breaker never stays open for good: a half-open probe that fails in any way (counted or not)
 * gives the probe slot back, so a later beat asks the provider again.
 */
class BreakerRecoveryTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    /** A provider that answers from a queue: a failure of a given kind, or a reply. */
    private static final class Scripted implements ChatClient {
        final Deque<Supplier<ModelReply>> script = new ArrayDeque<>();
        int asked;

        @Override
        public ModelReply ask(
                SystemMessage system,
                List<Message> messages,
                List<ToolSpecification> tools,
                String idPrefix,
                Instant deadline) {
            asked++;
            return script.isEmpty() ? ok() : script.poll().get();
        }

        void fail(String kind) {
            script.add(() -> {
                throw new ModelFailure(FailureKind.valueOf(kind.toUpperCase(Locale.ROOT)), kind + " failure", null);
            });
        }
    }

    private static ModelReply ok() {
        return new ModelReply(
                new AssistantMessage("HEARTBEAT_OK", List.of()),
                "openai",
                "gpt-test",
                "r1",
                "gpt-test",
                "stop",
                1,
                1,
                0,
                1,
                List.of(),
                0,
                null,
                0);
    }

    private static ModelConfig settings() {
        return new ModelConfig(
                Provider.OPENAI,
                "gpt-test",
                "http://127.0.0.1:1/v1",
                null,
                null,
                null,
                Duration.ofSeconds(5),
                null,
                null,
                0,
                new ModelConfig.Breaker(2, Duration.ofSeconds(30)),
                List.of(),
                null,
                null,
                null);
    }

    private ModelReply ask(ModelRouter router) {
        return router.ask(new SystemMessage("s"), List.of(new UserMessage("beat")), List.of(), "c", null);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "invalid_request",
                "deadline",
                "interrupted",
                "server",
                "timeout",
                "connection",
                "rate_limit",
                "auth",
                "not_found",
                "other"
            })
    void aProbeThatFailsInAnyWayLeavesTheBreakerRecoverable(String kind) {
        Scripted provider = new Scripted();
        ModelRouter router = ModelRouter.of(List.of(new ModelRouter.Route(settings(), provider)), clock);
        provider.fail("server");
        provider.fail("server");
        assertThatThrownBy(() -> ask(router)).isInstanceOf(ModelFailure.class);
        assertThatThrownBy(() -> ask(router)).isInstanceOf(ModelFailure.class);
        assertThatThrownBy(() -> ask(router)).hasMessageContaining("circuit breaker is open");
        assertThat(provider.asked).isEqualTo(2);

        clock.advance(Duration.ofSeconds(31));
        provider.fail(kind);
        assertThatThrownBy(() -> ask(router)).isInstanceOf(ModelFailure.class);
        assertThat(provider.asked).as("the probe went out").isEqualTo(3);

        clock.advance(Duration.ofSeconds(31));
        assertThat(ask(router).message().text()).isEqualTo("HEARTBEAT_OK");
        assertThat(provider.asked).isEqualTo(4);
        assertThat(ask(router).message().text()).as("closed again").isEqualTo("HEARTBEAT_OK");
    }
}
