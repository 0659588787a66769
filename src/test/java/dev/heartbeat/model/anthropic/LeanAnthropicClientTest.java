package dev.heartbeat.model.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.support.Json;
import dev.langchain4j.model.anthropic.internal.api.AnthropicCacheControl;
import dev.langchain4j.model.anthropic.internal.api.AnthropicCreateMessageRequest;
import dev.langchain4j.model.anthropic.internal.api.AnthropicCreateMessageResponse;
import dev.langchain4j.model.anthropic.internal.api.AnthropicImageContent;
import dev.langchain4j.model.anthropic.internal.api.AnthropicMessage;
import dev.langchain4j.model.anthropic.internal.api.AnthropicMessageContent;
import dev.langchain4j.model.anthropic.internal.api.AnthropicRole;
import dev.langchain4j.model.anthropic.internal.api.AnthropicTextContent;
import dev.langchain4j.model.anthropic.internal.api.AnthropicThinking;
import dev.langchain4j.model.anthropic.internal.api.AnthropicTool;
import dev.langchain4j.model.anthropic.internal.api.AnthropicToolChoice;
import dev.langchain4j.model.anthropic.internal.api.AnthropicToolChoiceType;
import dev.langchain4j.model.anthropic.internal.api.AnthropicToolResultContent;
import dev.langchain4j.model.anthropic.internal.api.AnthropicToolSchema;
import dev.langchain4j.model.anthropic.internal.api.AnthropicToolUseContent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The request writer and the answer reader against LangChain4j's own mapper, shape by shape (every beat of the tests
 * against the fake Anthropic compares them too, under the crosscheck).
 */
class LeanAnthropicClientTest {
    private static final AnthropicCacheControl EPHEMERAL = new AnthropicCacheControl("ephemeral");

    private static AnthropicCreateMessageRequest request() {
        AnthropicCreateMessageRequest r = new AnthropicCreateMessageRequest();
        r.model = "claude-test";
        r.maxTokens = 1024;
        r.system = List.of(
                new AnthropicTextContent("You watch a server."), new AnthropicTextContent("Be brief.", EPHEMERAL));
        List<AnthropicMessageContent> calls = List.of(
                new AnthropicTextContent("Checking."),
                new AnthropicToolUseContent(
                        "toolu_1", "run_command", "{\"argv\":[\"df\",\"-h\"],\"n\":12345678901,\"f\":0.5,\"x\":null}"));
        r.messages = List.of(
                new AnthropicMessage(AnthropicRole.USER, List.of(new AnthropicTextContent("Due: \"disk\" \u00e9\n"))),
                new AnthropicMessage(AnthropicRole.ASSISTANT, calls),
                new AnthropicMessage(
                        AnthropicRole.USER,
                        List.of(
                                new AnthropicToolResultContent("toolu_1", "94% used", true),
                                new AnthropicToolResultContent("toolu_2", (String) null, null, EPHEMERAL))));
        AnthropicTool tool = new AnthropicTool();
        tool.name = "run_command";
        tool.description = "Runs an allowed program.";
        AnthropicToolSchema schema = new AnthropicToolSchema();
        schema.type = "object";
        Map<String, Map<String, Object>> properties = new LinkedHashMap<>();
        Map<String, Object> argv = new LinkedHashMap<>();
        argv.put("type", "array");
        argv.put("items", Map.of("type", "string"));
        argv.put("maxItems", 16);
        argv.put("default", null);
        properties.put("argv", argv);
        properties.put("weight", Map.of("type", "number", "minimum", 0.25));
        schema.properties = properties;
        schema.required = List.of("argv");
        schema.additionalProperties = false;
        schema.defs = Map.of("node", Map.of("type", "object"));
        tool.inputSchema = schema;
        tool.cacheControl = EPHEMERAL;
        AnthropicTool bare = new AnthropicTool();
        bare.name = "notify";
        r.tools = List.of(bare, tool);
        return r;
    }

    private static String mapped(Object value) {
        return LeanAnthropicClient.MAPPER.write(value);
    }

    @Test
    void everyRequestShapeTheAgentSendsIsWrittenAsLangChainsMapperWritesIt() {
        List<Consumer<AnthropicCreateMessageRequest>> variants = List.of(
                r -> {},
                r -> {
                    r.temperature = 0.2;
                    r.topP = 0.9;
                    r.topK = 40;
                    r.stopSequences = List.of("END");
                },
                r -> {
                    r.stopSequences = List.of(); // empty: left out by the request class
                    r.system = List.of();
                    r.tools = null;
                },
                r -> r.messages = List.of(new AnthropicMessage(AnthropicRole.USER, new ArrayList<>())));
        for (Consumer<AnthropicCreateMessageRequest> variant : variants) {
            AnthropicCreateMessageRequest r = request();
            variant.accept(r);
            String written = MessageRequestWriter.write(r).orElseThrow();
            assertThat(Json.tree(written)).as(written).isEqualTo(Json.tree(mapped(r)));
        }
    }

    @Test
    void aRequestShapeItDoesNotKnowIsDeclined() {
        List<Consumer<AnthropicCreateMessageRequest>> declined = List.of(
                r -> r.thinking = AnthropicThinking.builder()
                        .type("enabled")
                        .budgetTokens(2048)
                        .build(),
                r -> r.toolChoice = AnthropicToolChoice.from(AnthropicToolChoiceType.AUTO),
                r -> r.customParameters = Map.of("service_tier", "auto"),
                r -> r.messages = List.of(new AnthropicMessage(
                        AnthropicRole.USER, List.of(new AnthropicImageContent("image/png", "iVBORw0KGgo=")))),
                r -> r.messages = List.of(new AnthropicMessage(
                        AnthropicRole.USER,
                        List.of(new AnthropicToolResultContent(
                                "toolu_1", List.<AnthropicMessageContent>of(new AnthropicTextContent("x")), null)))),
                r -> r.tools.get(1).customParameters = Map.of("type", "custom"));
        for (Consumer<AnthropicCreateMessageRequest> variant : declined) {
            AnthropicCreateMessageRequest r = request();
            variant.accept(r);
            assertThat(MessageRequestWriter.write(r)).isEmpty();
        }
    }

    @Test
    void answersAreReadAsLangChainsMapperReadsThem() {
        List<String> answers = List.of(
                "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"HEARTBEAT_OK\",\"citations\":null}],"
                        + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":1132,"
                        + "\"output_tokens\":3,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":1024,"
                        + "\"service_tier\":\"standard\",\"cache_creation\":{\"ephemeral_1h_input_tokens\":0}}}",
                "{\"id\":\"msg_2\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"Disk first.\","
                        + "\"signature\":\"c2ln\"},{\"type\":\"redacted_thinking\",\"data\":\"ZGF0YQ==\"},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"run_command\",\"input\":{\"argv\":"
                        + "[\"df\",\"-h\"],\"small\":7,\"big\":12345678901,\"huge\":123456789012345678901234567890,"
                        + "\"f\":0.1,\"e\":1e-7,\"t\":true,\"n\":null,\"o\":{\"k\":[]}}}],\"stop_reason\":\"tool_use\","
                        + "\"usage\":{\"input_tokens\":10,\"output_tokens\":20}}",
                "{\"id\":\"msg_3\",\"content\":[{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\","
                        + "\"content\":[{\"type\":\"web_search_result\",\"url\":\"https://example.org\"}]}],"
                        + "\"unknown\":{\"a\":1}}",
                "{\"content\":[]}");
        for (String answer : answers) {
            AnthropicCreateMessageResponse read =
                    MessageResponseReader.read(answer).orElseThrow();
            assertThat(read)
                    .as(answer)
                    .isEqualTo(LeanAnthropicClient.MAPPER.read(answer, AnthropicCreateMessageResponse.class));
        }
    }

    @Test
    void anAnswerItWouldReadDifferentlyIsDeclined() {
        for (String answer : List.of(
                "{\"usage\":{\"input_tokens\":\"10\"}}",
                "{\"usage\":{\"input_tokens\":3000000000}}",
                "{\"content\":{\"type\":\"text\",\"text\":\"lone\"}}",
                "{\"id\":7}",
                "{\"content\":[{\"type\":\"tool_use\",\"input\":\"{}\"}]}",
                "{\"diagnostics\":{\"a\":1}}",
                "not json",
                "[1]")) {
            assertThat(MessageResponseReader.read(answer)).as(answer).isEmpty();
        }
    }
}
