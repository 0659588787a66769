package dev.heartbeat.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.Reasoning;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per repair rule: the broken shape, the repaired shape, and the action on record. */
class RepairRulesTest {
    static UserMessage user(String text) {
        return new UserMessage(text);
    }

    static AssistantMessage say(String text) {
        return new AssistantMessage(text, List.of());
    }

    static AssistantMessage calls(ToolCall... calls) {
        return new AssistantMessage("", List.of(calls));
    }

    static ToolCall call(String id) {
        return new ToolCall(id, "read_file", "{\"path\": \"a.md\"}");
    }

    static ToolResultMessage result(String id, String text) {
        return new ToolResultMessage(id, "read_file", text, false);
    }

    private static Repairer.Result repair(Message... messages) {
        Repairer.Result r = Repairer.repair(Entry.numbered(List.of(messages)));
        assertThat(HistoryValidator.validate(r.messages(), HistoryValidator.Mode.HISTORY))
                .as("valid after repair")
                .isEmpty();
        Repairer.Result again = Repairer.repair(r.entries());
        assertThat(again.actions()).as("repairing twice changes nothing").isEmpty();
        assertThat(again.messages()).isEqualTo(r.messages());
        return r;
    }

    private static List<String> rules(Repairer.Result r) {
        return r.actions().stream().map(RepairRecord::rule).toList();
    }

    @Test
    void thinkingBlocksTheProviderWouldRefuseAreDroppedAndSignedOnesKeptExactly() {
        Reasoning signed = new Reasoning.Thinking("check the disk first", "c2lnbmVk");
        Reasoning signedEmpty = new Reasoning.Thinking("", "b25seS1hLXNpZ25hdHVyZQ==");
        Reasoning redacted = new Reasoning.RedactedThinking("EmwKAhgBEgy3va3pzix/LafPsn4a");
        AssistantMessage turn = new AssistantMessage(
                "",
                List.of(call("c1")),
                List.of(
                        signed,
                        new Reasoning.Thinking("no signature", null),
                        new Reasoning.Thinking("empty signature", ""),
                        new Reasoning.Thinking(null, "c2lnbmF0dXJlLW9mLW5vdGhpbmc="),
                        signedEmpty,
                        redacted),
                "anthropic/claude-test");
        assertThat(HistoryValidator.validate(
                                List.of(user("hi"), turn, result("c1", "ok"), say("done"), user("again")),
                                HistoryValidator.Mode.HISTORY)
                        .stream()
                        .map(p -> p.rule().wire()))
                .containsExactly("thinking_invalid", "thinking_invalid", "thinking_invalid");

        Repairer.Result r = repair(user("hi"), turn, result("c1", "ok"), say("done"), user("again"));
        assertThat(rules(r)).containsExactly("drop_invalid_thinking");
        AssistantMessage fixed = (AssistantMessage) r.messages().get(1);
        assertThat(fixed.reasoning()).containsExactly(signed, signedEmpty, redacted);
        assertThat(fixed.toolCalls()).isEqualTo(turn.toolCalls());
        assertThat(fixed.model()).isEqualTo("anthropic/claude-test");
        assertThat(r.actions().get(0).before()).contains("no signature").contains("empty signature");
    }

    @Test
    void aValidHistoryIsLeftAlone() {
        Repairer.Result r = repair(user("hi"), calls(call("c1")), result("c1", "ok"), say("done"), user("again"));
        assertThat(r.changed()).isFalse();
    }

    @Test
    void anOrphanResultIsDroppedAndItsContentKeptInTheRecord() {
        Repairer.Result r = repair(user("hi"), result("ghost", "secret payload"), say("done"));
        assertThat(rules(r)).containsExactly("drop_orphan_result");
        assertThat(r.messages()).containsExactly(user("hi"), say("done"));
        assertThat(r.actions().get(0).before()).contains("secret payload");
        assertThat(r.actions().get(0).messageIds()).containsExactly(2L);
    }

    @Test
    void aCallWithoutResultGetsASyntheticErrorNeverARerun() {
        Repairer.Result r = repair(user("hi"), calls(call("c1")));
        assertThat(rules(r)).containsExactly("synthesize_missing_result");
        ToolResultMessage made = (ToolResultMessage) r.messages().get(2);
        assertThat(made.callId()).isEqualTo("c1");
        assertThat(made.isError()).isTrue();
        assertThat(made.text()).contains("no result was recorded; outcome unknown");
        assertThat(r.entries().get(2).id())
                .as("a new message has no store id yet")
                .isZero();
    }

    @Test
    void duplicateResultsKeepTheFirst() {
        Repairer.Result r =
                repair(user("hi"), calls(call("c1")), result("c1", "first"), result("c1", "second"), say("x"));
        assertThat(rules(r)).containsExactly("drop_duplicate_result");
        assertThat(r.messages()).contains(result("c1", "first")).doesNotContain(result("c1", "second"));
    }

    @Test
    void aResultAfterALaterMessageMovesNextToItsCall() {
        Repairer.Result r = repair(user("hi"), calls(call("c1")), user("interrupting"), result("c1", "late"));
        assertThat(rules(r)).contains("move_result");
        assertThat(r.messages().get(2)).isEqualTo(result("c1", "late"));
        assertThat(r.messages().get(3)).isEqualTo(user("interrupting"));
    }

    @Test
    void aResultStoredBeforeItsCallMovesAfterIt() {
        Repairer.Result r = repair(user("hi"), result("c1", "early"), calls(call("c1")), say("done"));
        assertThat(rules(r)).containsExactly("move_result");
        assertThat(r.messages()).containsExactly(user("hi"), calls(call("c1")), result("c1", "early"), say("done"));
    }

    @Test
    void parallelCallsPartlyAnsweredKeepTheAnsweredAndGetSyntheticResultsForTheRest() {
        Repairer.Result r =
                repair(user("hi"), calls(call("a"), call("b"), call("c")), result("b", "b done"), user("next"));
        assertThat(rules(r))
                .containsExactlyInAnyOrder("move_result", "synthesize_missing_result", "synthesize_missing_result");
        assertThat(r.messages().get(2))
                .isEqualTo(new ToolResultMessage("a", "read_file", Repairer.UNKNOWN_OUTCOME, true));
        assertThat(r.messages().get(3)).isEqualTo(result("b", "b done"));
        assertThat(((ToolResultMessage) r.messages().get(4)).callId()).isEqualTo("c");
    }

    @Test
    void emptyMessagesAreDroppedNotInvented() {
        Repairer.Result r = repair(user("hi"), say("   "), user(" \n "), say("real"));
        assertThat(rules(r)).containsExactly("drop_empty", "drop_empty");
        assertThat(r.messages()).containsExactly(user("hi"), say("real"));
    }

    @Test
    void anEmptyToolResultGetsAPlaceholderSoItsCallIsNotOrphaned() {
        Repairer.Result r = repair(user("hi"), calls(call("c1")), result("c1", ""), say("ok"));
        assertThat(rules(r)).containsExactly("fill_empty_result");
        assertThat(((ToolResultMessage) r.messages().get(2)).text()).isEqualTo(Repairer.EMPTY_RESULT);
    }

    @Test
    void tornArgumentsKeepTheCallWithEmptyInputAndAnErrorResult() {
        ToolCall torn = new ToolCall("c1", "write_file", "{\"path\": \"a.md\", \"cont");
        Repairer.Result r = repair(user("hi"), calls(torn));
        assertThat(rules(r)).containsExactly("torn_arguments", "synthesize_missing_result");
        assertThat(((AssistantMessage) r.messages().get(1)).toolCalls().get(0).arguments())
                .isEqualTo("{}");
        assertThat(((ToolResultMessage) r.messages().get(2)).text()).contains("arguments of this call were lost");
        assertThat(r.actions().get(0).before()).contains("cont");
    }

    @Test
    void tornArgumentsWithAResultKeepTheResult() {
        Repairer.Result r =
                repair(user("hi"), calls(new ToolCall("c1", "x", "[1,2]")), result("c1", "told the model"), say("ok"));
        assertThat(rules(r)).containsExactly("torn_arguments");
        assertThat(r.messages().get(2)).isEqualTo(result("c1", "told the model"));
    }

    @Test
    void reusedAndInvalidIdsAreRewrittenInCallAndResult() {
        Repairer.Result r = repair(
                user("hi"),
                calls(call("c1")),
                result("c1", "first"),
                say("a"),
                user("again"),
                calls(call("c1")),
                result("c1", "second"),
                say("b"),
                user("more"),
                calls(call("bad id!")),
                result("bad id!", "third"),
                say("c"));
        assertThat(rules(r)).containsExactly("rewrite_tool_id", "rewrite_tool_id");
        List<Message> m = r.messages();
        String second = ((AssistantMessage) m.get(5)).toolCalls().get(0).id();
        String third = ((AssistantMessage) m.get(9)).toolCalls().get(0).id();
        assertThat(second).isNotEqualTo("c1").matches("[a-zA-Z0-9_-]+");
        assertThat(((ToolResultMessage) m.get(6)).callId()).isEqualTo(second);
        assertThat(((ToolResultMessage) m.get(6)).text()).isEqualTo("second");
        assertThat(((ToolResultMessage) m.get(10)).callId()).isEqualTo(third);
        assertThat(((ToolResultMessage) m.get(2)).text()).isEqualTo("first");
    }

    @Test
    void invalidToolNamesAreCleanedInCallAndResult() {
        Repairer.Result r = repair(
                user("hi"),
                calls(new ToolCall("c1", "read file!", "{}")),
                new ToolResultMessage("c1", "read file!", "x", false),
                say("ok"));
        assertThat(rules(r)).containsExactly("rewrite_tool_name");
        assertThat(((AssistantMessage) r.messages().get(1)).toolCalls().get(0).name())
                .isEqualTo("read_file_");
        assertThat(((ToolResultMessage) r.messages().get(2)).toolName()).isEqualTo("read_file_");
    }

    @Test
    void aHistoryWhoseHeadWasCutStartsAtTheFirstUserMessage() {
        Repairer.Result r =
                repair(result("c0", "tail of a cut pair"), say("answer to a lost question"), user("hi"), say("ok"));
        assertThat(rules(r)).containsExactly("drop_orphan_result", "drop_head");
        assertThat(r.messages()).containsExactly(user("hi"), say("ok"));
    }

    @Test
    void consecutiveSameRoleMessagesAreMerged() {
        Repairer.Result r = repair(user("one"), user("two"), say("a"), say("b"), calls(call("c1")), result("c1", "r"));
        assertThat(rules(r)).containsExactly("merge_same_role", "merge_same_role", "merge_same_role");
        assertThat(r.messages().get(0)).isEqualTo(user("one\n\ntwo"));
        AssistantMessage merged = (AssistantMessage) r.messages().get(1);
        assertThat(merged.text()).isEqualTo("a\n\nb");
        assertThat(merged.toolCalls()).containsExactly(call("c1"));
    }

    @Test
    void systemMessagesInsideTheConversationMoveToTheFront() {
        Repairer.Result r = repair(user("hi"), new SystemMessage("be brief"), say("ok"));
        assertThat(rules(r)).containsExactly("system_to_front");
        assertThat(r.messages()).containsExactly(new SystemMessage("be brief"), user("hi"), say("ok"));
    }

    @Test
    void theValidatorNamesEachRule() {
        List<Message> broken = List.of(
                say("no user first"),
                user("a"),
                user("b"),
                calls(new ToolCall("x y", "n m", "[]")),
                result("zz", "orphan"),
                user(""),
                new SystemMessage("late"));
        List<String> found = HistoryValidator.validate(broken, HistoryValidator.Mode.REQUEST).stream()
                .map(p -> p.rule().wire())
                .toList();
        assertThat(found)
                .contains(
                        "first_not_user",
                        "consecutive_same_role",
                        "tool_id_invalid",
                        "tool_name_invalid",
                        "tool_input_not_object",
                        "tool_call_unanswered",
                        "tool_result_orphan",
                        "empty_message",
                        "system_inside",
                        "last_not_user");
    }

    @Test
    void aRequestMayEndWithToolResultsButNotWithTheAssistant() {
        assertThat(HistoryValidator.isValid(
                        List.of(user("a"), calls(call("c")), result("c", "r")), HistoryValidator.Mode.REQUEST))
                .isTrue();
        assertThat(HistoryValidator.isValid(List.of(user("a"), say("b")), HistoryValidator.Mode.REQUEST))
                .isFalse();
        assertThat(HistoryValidator.isValid(List.of(user("a"), say("b")), HistoryValidator.Mode.HISTORY))
                .isTrue();
    }

    @Test
    void argumentsMustBeExactlyOneObject() {
        assertThat(HistoryValidator.isJsonObject("{\"a\": 1}")).isTrue();
        assertThat(HistoryValidator.isJsonObject("{\"a\": 1} trailing")).isFalse();
        assertThat(HistoryValidator.isJsonObject("[]")).isFalse();
        assertThat(HistoryValidator.isJsonObject("")).isFalse();
        assertThat(HistoryValidator.isJsonObject("{\"a\": [1, {\"b\": tru}]}"))
                .as("broken inside")
                .isFalse();
        assertThat(HistoryValidator.isJsonObject("{\"a\": {}")).as("cut off").isFalse();
        assertThat(HistoryValidator.isJsonObject("{} {}")).isFalse();
        assertThat(HistoryValidator.isJsonObject("  {\"a\": {\"b\": [null]}}\n"))
                .isTrue();
        assertThat(HistoryValidator.isJsonObject("{\"a\": 1, \"a\": 2}"))
                .as("a key twice is read, last one kept, as providers do")
                .isTrue();
    }

    /** Every defect rule a repair can apply is in the README's table of rules, under its record name. */
    @Test
    void everyRepairRuleIsDocumented() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (RepairRule rule : RepairRule.values()) {
            if (rule != RepairRule.COMPACT && rule != RepairRule.RETENTION) {
                assertThat(readme).as(rule.wire()).contains("`" + rule.wire() + "`");
            }
        }
    }
}
