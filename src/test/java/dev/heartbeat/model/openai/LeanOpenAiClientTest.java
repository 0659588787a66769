package dev.heartbeat.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.support.Json;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.internal.OpenAiClient;
import dev.langchain4j.model.openai.internal.chat.AssistantMessage;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
import dev.langchain4j.model.openai.internal.chat.Content;
import dev.langchain4j.model.openai.internal.chat.ContentType;
import dev.langchain4j.model.openai.internal.chat.Function;
import dev.langchain4j.model.openai.internal.chat.FunctionCall;
import dev.langchain4j.model.openai.internal.chat.FunctionMessage;
import dev.langchain4j.model.openai.internal.chat.ImageDetail;
import dev.langchain4j.model.openai.internal.chat.InputAudio;
import dev.langchain4j.model.openai.internal.chat.Tool;
import dev.langchain4j.model.openai.internal.chat.ToolCall;
import dev.langchain4j.model.openai.internal.chat.ToolChoice;
import dev.langchain4j.model.openai.internal.chat.ToolChoiceMode;
import dev.langchain4j.model.openai.internal.chat.ToolMessage;
import dev.langchain4j.model.openai.internal.chat.ToolType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The chat completion JSON written and read without databind is what LangChain4j's own client writes and reads:
 * its {@code Json} class (package-private, called here by reflection) is the oracle for every shape; what the writer
 * or reader declines goes through LangChain4j's client; and {@code OpenAiChatModel} gets this client from the service
 * file, against a fake OpenAI that checks the key and the request.
 */
class LeanOpenAiClientTest {
    private static final String KEY = "sk-lean-test-0123456789";

    @Test
    void everyRequestShapeTheAgentSendsIsWrittenAsLangChainsMapperWritesIt() throws Exception {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("type", "object");
        parameters.put("properties", Map.of("path", Map.of("type", "string", "description", "a \"quoted\" path")));
        parameters.put("required", List.of());
        parameters.put("nullable", Arrays.asList(1, null, 2.5, true, 10_000_000_000L));
        List<ChatCompletionRequest> requests = List.of(
                ChatCompletionRequest.builder()
                        .model("gpt-test")
                        .messages(List.of(
                                dev.langchain4j.model.openai.internal.chat.SystemMessage.from("be brief ☃"),
                                dev.langchain4j.model.openai.internal.chat.UserMessage.from("hi\n\u0001"),
                                dev.langchain4j.model.openai.internal.chat.UserMessage.builder()
                                        .addText("look")
                                        .addImageUrl("data:image/png;base64,AAAA", ImageDetail.LOW)
                                        .addImageUrl("https://example.com/x.png")
                                        .build(),
                                AssistantMessage.builder()
                                        .content("checking")
                                        .reasoningContent("first the disk")
                                        .toolCalls(ToolCall.builder()
                                                .id("call_1")
                                                .index(0)
                                                .type(ToolType.FUNCTION)
                                                .function(FunctionCall.builder()
                                                        .name("read_file")
                                                        .arguments("{\"path\":\"NOTES.md\"}")
                                                        .build())
                                                .build())
                                        .build(),
                                ToolMessage.from("call_1", "URGENT: disk"),
                                AssistantMessage.builder().content("done").build()))
                        .temperature(0.2)
                        .topP(0.9)
                        .n(1)
                        .stream(false)
                        .stop(List.of("STOP"))
                        .maxTokens(10)
                        .maxCompletionTokens(1024)
                        .presencePenalty(0.0)
                        .frequencyPenalty(-0.5)
                        .logitBias(Map.of("50256", -100))
                        .user("ops")
                        .seed(7)
                        .tools(List.of(Tool.from(Function.builder()
                                .name("read_file")
                                .description("Read a file")
                                .strict(true)
                                .parameters(parameters)
                                .build())))
                        .toolChoice(ToolChoiceMode.REQUIRED)
                        .parallelToolCalls(false)
                        .store(false)
                        .metadata(Map.of("agent", "ops"))
                        .reasoningEffort("low")
                        .serviceTier("default")
                        .logprobs(false)
                        .topLogprobs(0)
                        .customParameters(Map.of("custom", Map.of("a", List.of(1, "b"))))
                        .build(),
                // Empty values the request class leaves out; an assistant turn of tool calls only.
                ChatCompletionRequest.builder()
                        .model("")
                        .messages(List.of(
                                AssistantMessage.builder().toolCalls(List.of()).build()))
                        .stop(List.of())
                        .logitBias(Map.of())
                        .metadata(Map.of())
                        .user("")
                        .tools(List.of())
                        .build(),
                ChatCompletionRequest.builder().build());
        for (ChatCompletionRequest request : requests) {
            Optional<String> written = ChatRequestWriter.write(request);
            assertThat(written).as("written: %s", request).isPresent();
            assertThat(Json.tree(written.get())).isEqualTo(Json.tree(langChainWrites(request)));
        }
    }

    @Test
    void aRequestShapeItDoesNotKnowIsDeclined() {
        ChatCompletionRequest.Builder plain = ChatCompletionRequest.builder()
                .model("m")
                .messages(List.of(dev.langchain4j.model.openai.internal.chat.UserMessage.from("hi")));
        List<ChatCompletionRequest> declined = List.of(
                ChatCompletionRequest.builder()
                        .from(plain.build())
                        .responseFormat(dev.langchain4j.model.openai.internal.chat.ResponseFormat.builder()
                                .type(dev.langchain4j.model.openai.internal.chat.ResponseFormatType.JSON_OBJECT)
                                .build())
                        .build(),
                ChatCompletionRequest.builder()
                        .from(plain.build())
                        .toolChoice(ToolChoice.from("read_file"))
                        .build(),
                ChatCompletionRequest.builder()
                        .from(plain.build())
                        .messages(List.of(FunctionMessage.from("f", "out")))
                        .build(),
                ChatCompletionRequest.builder()
                        .from(plain.build())
                        .messages(List.of(dev.langchain4j.model.openai.internal.chat.UserMessage.builder()
                                .content(List.of(Content.builder()
                                        .type(ContentType.AUDIO)
                                        .inputAudio(InputAudio.builder()
                                                .data("AAAA")
                                                .format("wav")
                                                .build())
                                        .build()))
                                .build()))
                        .build(),
                ChatCompletionRequest.builder()
                        .from(plain.build())
                        .tools(List.of(Tool.from(Function.builder()
                                .name("f")
                                .parameters(Map.of("type", new StringBuilder("object")))
                                .build())))
                        .build());
        for (ChatCompletionRequest request : declined) {
            assertThat(ChatRequestWriter.write(request))
                    .as("declined: %s", request)
                    .isEmpty();
        }
    }

    @Test
    void answersAreReadAsLangChainsMapperReadsThem() throws Exception {
        List<String> answers = List.of(
                """
                {"id":"chatcmpl-1","object":"chat.completion","created":1764700000,"model":"gpt-test",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"HEARTBEAT_OK","refusal":null,
                 "annotations":[]},"logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":120,"completion_tokens":3,"total_tokens":123,
                  "prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},
                  "completion_tokens_details":{"reasoning_tokens":0,"accepted_prediction_tokens":0}},
                 "service_tier":"default","system_fingerprint":"fp_1"}""",
                """
                {"id":"chatcmpl-2","created":1764700001,"model":"gpt-test","choices":[{"index":0,
                 "message":{"role":"assistant","content":null,"reasoning_content":"the disk first",
                 "tool_calls":[{"id":"call_1","type":"function","function":{"name":"read_file",
                 "arguments":"{\\"path\\":\\"NOTES.md\\"}"}},{"id":"call_2","index":1,"type":"function",
                 "function":{"name":"list_files","arguments":"{}"}}]},"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}""",
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"refusal\":\"I cannot\","
                        + "\"name\":\"ops\"},\"finish_reason\":\"stop\"}],\"usage\":null,\"extra\":{\"nested\":[1,2]}}",
                "{}");
        for (String answer : answers) {
            Optional<ChatCompletionResponse> read = ChatResponseReader.read(answer);
            assertThat(read).as("read: %s", answer).isPresent();
            assertThat(read.get()).isEqualTo(langChainReads(answer));
        }
    }

    @Test
    void anAnswerItWouldReadDifferentlyIsDeclined() {
        for (String answer : List.of(
                "{\"created\":\"1764700000\"}",
                "{\"choices\":{\"index\":0}}",
                "{\"choices\":[{\"index\":0.5}]}",
                "{\"choices\":[{\"index\":0,\"logprobs\":{\"content\":[]}}]}",
                "{\"usage\":{\"total_tokens\":3000000000}}",
                "{\"model\":7}",
                "[1]",
                "not json")) {
            assertThat(ChatResponseReader.read(answer))
                    .as("declined: %s", answer)
                    .isEmpty();
        }
    }

    @Test
    void openAiChatModelGetsThisClientAndAFakeOpenAiAcceptsItsRequests() throws Exception {
        assertThat(OpenAiClient.builder()).isInstanceOf(LeanOpenAiClient.Builder.class);
        try (FakeOpenAi fake = new FakeOpenAi(KEY)) {
            fake.call("read_file", "{\"path\":\"NOTES.md\"}").text("all quiet");
            OpenAiChatModel model = OpenAiChatModel.builder()
                    .baseUrl(fake.baseUrl())
                    .apiKey(KEY)
                    .modelName("gpt-test")
                    .maxCompletionTokens(64)
                    .maxRetries(0)
                    .build();
            ToolSpecification readFile = ToolSpecification.builder()
                    .name("read_file")
                    .description("Read a file")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("path")
                            .required("path")
                            .build())
                    .build();
            ChatResponse first = model.chat(ChatRequest.builder()
                    .messages(SystemMessage.from("be brief"), UserMessage.from("check"))
                    .toolSpecifications(readFile)
                    .build());
            assertThat(first.aiMessage().toolExecutionRequests())
                    .singleElement()
                    .satisfies(call -> assertThat(call.arguments()).isEqualTo("{\"path\":\"NOTES.md\"}"));
            assertThat(first.tokenUsage().totalTokenCount()).isPositive();

            // A response format is declined by the writer: LangChain4j's client sends that request.
            ChatResponse second = model.chat(ChatRequest.builder()
                    .messages(UserMessage.from("check"))
                    .responseFormat(ResponseFormat.JSON)
                    .build());
            assertThat(second.aiMessage().text()).isEqualTo("all quiet");

            assertThat(fake.rejections()).isEmpty();
            assertThat(fake.requests()).hasSize(2);
            assertThat(fake.requests()
                            .get(0)
                            .path("tools")
                            .get(0)
                            .path("function")
                            .path("name")
                            .asText())
                    .isEqualTo("read_file");
            assertThat(fake.requests().get(0).has("response_format")).isFalse();
            assertThat(fake.requests()
                            .get(1)
                            .path("response_format")
                            .path("type")
                            .asText())
                    .isEqualTo("json_object");
        }
    }

    @Test
    void anErrorStatusIsLangChainsExceptionAndAnUnreadableAnswerItsError() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(KEY)) {
            OpenAiChatModel wrongKey = OpenAiChatModel.builder()
                    .baseUrl(fake.baseUrl())
                    .apiKey("sk-wrong-key-000000000")
                    .modelName("gpt-test")
                    .maxRetries(0)
                    .build();
            assertThatThrownBy(() -> wrongKey.chat("hi"))
                    .isInstanceOf(dev.langchain4j.exception.AuthenticationException.class)
                    .hasMessageContaining("Incorrect API key provided");

            fake.reply(new FakeProvider.Status(200, "<html>gateway</html>"));
            OpenAiChatModel model = OpenAiChatModel.builder()
                    .baseUrl(fake.baseUrl())
                    .apiKey(KEY)
                    .modelName("gpt-test")
                    .maxRetries(0)
                    .build();
            assertThatThrownBy(() -> model.chat("hi"))
                    .hasRootCauseInstanceOf(com.fasterxml.jackson.core.JsonParseException.class)
                    .rootCause()
                    .hasMessageContaining("Unexpected character ('<'");
        }
    }

    private static String langChainWrites(Object value) throws Exception {
        return (String) langChainJson("toJson", Object.class).invoke(null, value);
    }

    private static ChatCompletionResponse langChainReads(String json) throws Exception {
        try {
            return (ChatCompletionResponse) langChainJson("fromJson", String.class, Class.class)
                    .invoke(null, json, ChatCompletionResponse.class);
        } catch (InvocationTargetException e) {
            throw new AssertionError("LangChain4j's mapper refused " + json, e.getCause());
        }
    }

    private static Method langChainJson(String name, Class<?>... parameters) throws Exception {
        Method m = Class.forName("dev.langchain4j.model.openai.internal.Json").getDeclaredMethod(name, parameters);
        m.setAccessible(true);
        return m;
    }
}
