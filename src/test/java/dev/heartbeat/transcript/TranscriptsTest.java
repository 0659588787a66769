package dev.heartbeat.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptsTest {
    @Test
    void aTornJsonArrayKeepsWhatCameBeforeTheTear() {
        String text =
                "[\n  {\"role\": \"user\", \"content\": \"one\"},\n  {\"role\": \"assistant\", \"content\": \"two\"},\n"
                        + "  {\"role\": \"user\", \"content\": \"thr";
        Transcripts.Read read = Transcripts.read(text);
        assertThat(read.messages()).containsExactly(new UserMessage("one"), new AssistantMessage("two", List.of()));
        assertThat(read.bad()).singleElement().satisfies(b -> {
            assertThat(b.line()).isEqualTo(4);
            assertThat(b.raw()).contains("\"thr");
        });
    }

    @Test
    void anthropicBlocksAreDetectedAndMapped() {
        String text = """
                [
                  {"role": "user", "content": "check the site"},
                  {"role": "assistant", "content": [{"type": "text", "text": "Fetching."},
                    {"type": "tool_use", "id": "toolu_1", "name": "http_get", "input": {"url": "https://x.example"}}]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "503", "is_error": true},
                    {"type": "text", "text": "and?"}]}
                ]
                """;
        Transcripts.Read read = Transcripts.read(text);
        assertThat(read.format()).isEqualTo(Transcripts.Format.ANTHROPIC);
        assertThat(read.bad()).isEmpty();
        assertThat(read.messages())
                .containsExactly(
                        new UserMessage("check the site"),
                        new AssistantMessage(
                                "Fetching.",
                                List.of(new ToolCall("toolu_1", "http_get", "{\"url\":\"https://x.example\"}"))),
                        new ToolResultMessage("toolu_1", "http_get", "503", true),
                        new UserMessage("and?"));
    }

    @Test
    void openAiJsonlWithObjectArgumentsAndContentParts() {
        String text = """
                {"role": "developer", "content": "be terse"}
                {"role": "user", "content": [{"type": "text", "text": "hello"}, {"type": "text", "text": "there"}]}
                {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_state", "arguments": {"key": "k"}}}]}
                {"role": "tool", "tool_call_id": "c1", "content": "v"}
                {"role": "narrator", "content": "?"}
                """;
        Transcripts.Read read = Transcripts.read(text);
        assertThat(read.format()).isEqualTo(Transcripts.Format.OPENAI);
        assertThat(read.messages())
                .containsExactly(
                        new SystemMessage("be terse"),
                        new UserMessage("hello\nthere"),
                        new AssistantMessage("", List.of(new ToolCall("c1", "get_state", "{\"key\":\"k\"}"))),
                        new ToolResultMessage("c1", "get_state", "v", false));
        assertThat(read.bad()).singleElement().satisfies(b -> {
            assertThat(b.line()).isEqualTo(5);
            assertThat(b.problem()).contains("narrator");
        });
    }

    @Test
    void anthropicExportGroupsResultsFirstInTheUserTurn() {
        List<Message> messages = List.of(
                new SystemMessage("sys"),
                new UserMessage("go"),
                new AssistantMessage("", List.of(new ToolCall("a", "t", "{}"), new ToolCall("b", "t", "{}"))),
                new ToolResultMessage("a", "t", "ra", false),
                new ToolResultMessage("b", "t", "rb", true),
                new UserMessage("next"));
        String out = Transcripts.toAnthropic(messages);
        Transcripts.Read back = Transcripts.read(out);
        assertThat(back.messages()).isEqualTo(messages);
        assertThat(out.indexOf("tool_result")).isLessThan(out.indexOf("\"next\""));
    }
}
