package dev.heartbeat.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.Reasoning;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated valid histories, corrupted at random the ways crashes, torn writes and truncations do,
 * must come back valid for every provider, with every intact call/result pair and every user text
 * kept, and a second repair must change nothing.
 */
class RepairPropertiesTest {

    private static final String MODEL = "anthropic/claude-test";

    /** What a thinking model's turn carries: usually a signed block, sometimes redacted ones too. */
    private static List<Reasoning> reasoning(Random random, int n) {
        List<Reasoning> out = new ArrayList<>();
        if (random.nextInt(3) != 0) {
            out.add(new Reasoning.Thinking(
                    random.nextBoolean() ? "step " + n : "", "sig_" + n + "_" + random.nextInt()));
        }
        if (random.nextInt(5) == 0) {
            out.add(new Reasoning.RedactedThinking("redacted_" + n));
        }
        return out;
    }

    /** A valid history: turns of a user message, zero or more tool rounds, and a final answer. */
    @Provide
    Arbitrary<List<Message>> histories() {
        return Arbitraries.longs().map(seed -> {
            Random random = new Random(seed);
            List<Message> out = new ArrayList<>();
            int turns = 1 + random.nextInt(8);
            int ids = 0;
            for (int t = 0; t < turns; t++) {
                out.add(new UserMessage("user text " + t + " #" + random.nextInt(1000)));
                int rounds = random.nextInt(3);
                for (int r = 0; r < rounds; r++) {
                    int parallel = 1 + random.nextInt(3);
                    List<ToolCall> calls = new ArrayList<>();
                    for (int p = 0; p < parallel; p++) {
                        calls.add(new ToolCall(
                                "call_" + (++ids),
                                "tool_" + random.nextInt(3),
                                "{\"n\": " + random.nextInt(100) + "}"));
                    }
                    out.add(new AssistantMessage(
                            random.nextBoolean() ? "thinking " + t : "", calls, reasoning(random, ids), MODEL));
                    for (ToolCall c : calls) {
                        out.add(new ToolResultMessage(c.id(), c.name(), "result of " + c.id(), random.nextInt(5) == 0));
                    }
                }
                if (rounds == 0 || random.nextInt(4) != 0 || t == turns - 1) {
                    out.add(new AssistantMessage("answer " + t, List.of(), reasoning(random, ids), MODEL));
                }
            }
            return out;
        });
    }

    enum Corruption {
        DROP,
        DUPLICATE,
        SWAP,
        CUT_HEAD,
        CUT_TAIL,
        TEAR_ARGUMENTS,
        EMPTY_TEXT,
        DUPLICATE_ID,
        INSERT_ORPHAN,
        BREAK_THINKING
    }

    @Provide
    Arbitrary<List<Message>> corrupted() {
        Arbitrary<List<Corruption>> corruptions =
                Arbitraries.of(Corruption.class).list().ofMinSize(1).ofMaxSize(6);
        return Combinators.combine(histories(), corruptions, Arbitraries.longs())
                .as((history, list, seed) -> corrupt(history, list, new Random(seed)));
    }

    static List<Message> corrupt(List<Message> history, List<Corruption> corruptions, Random random) {
        List<Message> h = new ArrayList<>(history);
        for (Corruption c : corruptions) {
            if (h.isEmpty()) {
                break;
            }
            int i = random.nextInt(h.size());
            switch (c) {
                case DROP -> h.remove(i);
                case DUPLICATE -> h.add(i, h.get(i));
                case SWAP -> {
                    int j = random.nextInt(h.size());
                    Message m = h.get(i);
                    h.set(i, h.get(j));
                    h.set(j, m);
                }
                case CUT_HEAD ->
                    h.subList(0, Math.min(h.size(), 1 + random.nextInt(3))).clear();
                case CUT_TAIL ->
                    h.subList(Math.max(0, h.size() - 1 - random.nextInt(3)), h.size())
                            .clear();
                case TEAR_ARGUMENTS -> {
                    if (h.get(i) instanceof AssistantMessage a && a.hasToolCalls()) {
                        List<ToolCall> calls = new ArrayList<>(a.toolCalls());
                        ToolCall first = calls.get(0);
                        calls.set(
                                0,
                                new ToolCall(
                                        first.id(),
                                        first.name(),
                                        first.arguments()
                                                .substring(0, first.arguments().length() / 2)));
                        h.set(i, new AssistantMessage(a.text(), calls));
                    }
                }
                case EMPTY_TEXT -> {
                    if (h.get(i) instanceof UserMessage) {
                        h.set(i, new UserMessage("  "));
                    } else if (h.get(i) instanceof AssistantMessage a) {
                        h.set(i, new AssistantMessage(" ", a.toolCalls()));
                    }
                }
                case DUPLICATE_ID -> {
                    if (h.get(i) instanceof AssistantMessage a && a.hasToolCalls()) {
                        List<ToolCall> calls = new ArrayList<>(a.toolCalls());
                        calls.add(new ToolCall(calls.get(0).id(), "tool_x", "{}"));
                        h.set(i, new AssistantMessage(a.text(), calls));
                    }
                }
                case BREAK_THINKING -> {
                    // A store that lost a signature, or a text, on the way.
                    if (h.get(i) instanceof AssistantMessage a && !a.reasoning().isEmpty()) {
                        List<Reasoning> blocks = new ArrayList<>(a.reasoning());
                        blocks.add(
                                random.nextBoolean()
                                        ? new Reasoning.Thinking("lost its signature", random.nextBoolean() ? null : "")
                                        : new Reasoning.Thinking(null, "sig_without_text"));
                        h.set(i, a.withReasoning(blocks));
                    }
                }
                case INSERT_ORPHAN ->
                    h.add(i, new ToolResultMessage("ghost_" + random.nextInt(100), "t", "orphan", false));
            }
        }
        return h;
    }

    @Property(tries = 600)
    void repairedHistoriesAreValidForEveryProvider(@ForAll("corrupted") List<Message> broken) {
        Repairer.Result r = Repairer.repair(Entry.numbered(broken));
        assertThat(HistoryValidator.validate(r.messages(), HistoryValidator.Mode.HISTORY))
                .isEmpty();
    }

    @Property(tries = 600)
    void repairingTwiceChangesNothing(@ForAll("corrupted") List<Message> broken) {
        Repairer.Result once = Repairer.repair(Entry.numbered(broken));
        Repairer.Result twice = Repairer.repair(once.entries());
        assertThat(twice.actions()).isEmpty();
        assertThat(twice.messages()).isEqualTo(once.messages());
    }

    @Property(tries = 600)
    void everyUserTextIsKept(@ForAll("corrupted") List<Message> broken) {
        Repairer.Result r = Repairer.repair(Entry.numbered(broken));
        StringBuilder all = new StringBuilder();
        for (Message m : r.messages()) {
            if (m instanceof UserMessage u) {
                all.append(u.text()).append('\u0000');
            }
        }
        for (Message m : broken) {
            if (m instanceof UserMessage u && !u.text().isBlank()) {
                assertThat(all.toString()).contains(u.text());
            }
        }
    }

    /**
     * An intact pair: a call with a unique, valid id and valid arguments whose one result directly
     * follows its assistant message's block. It must survive with the same id, arguments and result.
     */
    @Property(tries = 600)
    void reasoningIsNeverInventedOrAlteredAndNoInvalidBlockRemains(@ForAll("corrupted") List<Message> broken) {
        Set<Reasoning> before = new HashSet<>();
        for (Message m : broken) {
            if (m instanceof AssistantMessage a) {
                before.addAll(a.reasoning());
            }
        }
        Repairer.Result r = Repairer.repair(Entry.numbered(broken));
        for (Message m : r.messages()) {
            if (m instanceof AssistantMessage a) {
                for (Reasoning block : a.reasoning()) {
                    assertThat(before).as("a block the input held, unchanged").contains(block);
                    assertThat(!(block instanceof Reasoning.Thinking t) || t.valid())
                            .as("no invalid thinking left: " + block)
                            .isTrue();
                }
            }
        }
    }

    @Property(tries = 600)
    void everyIntactPairIsKept(@ForAll("corrupted") List<Message> broken) {
        Map<String, Integer> callCount = new HashMap<>();
        Map<String, Integer> resultCount = new HashMap<>();
        for (Message m : broken) {
            if (m instanceof AssistantMessage a) {
                a.toolCalls().forEach(c -> callCount.merge(c.id(), 1, Integer::sum));
            } else if (m instanceof ToolResultMessage t) {
                resultCount.merge(t.callId(), 1, Integer::sum);
            }
        }
        Set<String> intact = new HashSet<>();
        Map<String, ToolResultMessage> results = new HashMap<>();
        Map<String, ToolCall> calls = new HashMap<>();
        for (int i = 0; i < broken.size(); i++) {
            if (!(broken.get(i) instanceof AssistantMessage a) || !a.hasToolCalls()) {
                continue;
            }
            boolean blockComplete = i + a.toolCalls().size() < broken.size() + 1;
            for (int k = 0; k < a.toolCalls().size() && blockComplete; k++) {
                int at = i + 1 + k;
                blockComplete = at < broken.size() && broken.get(at) instanceof ToolResultMessage;
            }
            if (!blockComplete) {
                continue;
            }
            for (int k = 0; k < a.toolCalls().size(); k++) {
                ToolCall c = a.toolCalls().get(k);
                ToolResultMessage t = (ToolResultMessage) broken.get(i + 1 + k);
                if (t.callId().equals(c.id())
                        && callCount.get(c.id()) == 1
                        && resultCount.get(c.id()) == 1
                        && HistoryValidator.isJsonObject(c.arguments())
                        && !t.text().isBlank()
                        && HistoryValidator.TOOL_ID.matcher(c.id()).matches()
                        && precededByUser(broken, i)) {
                    intact.add(c.id());
                    results.put(c.id(), t);
                    calls.put(c.id(), c);
                }
            }
        }
        Repairer.Result r = Repairer.repair(Entry.numbered(broken));
        List<Message> out = r.messages();
        for (String id : intact) {
            boolean found = false;
            for (int i = 0; i < out.size() && !found; i++) {
                if (out.get(i) instanceof AssistantMessage a && a.toolCalls().contains(calls.get(id))) {
                    found = out.subList(i + 1, i + 1 + a.toolCalls().size()).contains(results.get(id));
                }
            }
            assertThat(found).as("intact pair " + id + " kept in " + out).isTrue();
        }
    }

    /** A pair before the first user message is part of a cut head, which a repair drops by design. */
    private static boolean precededByUser(List<Message> h, int index) {
        for (int i = 0; i < index; i++) {
            if (h.get(i) instanceof UserMessage u && !u.text().isBlank()) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 200)
    void validHistoriesAreNotTouched(@ForAll("histories") List<Message> valid) {
        assertThat(HistoryValidator.validate(valid, HistoryValidator.Mode.HISTORY))
                .isEmpty();
        assertThat(Repairer.repair(Entry.numbered(valid)).actions()).isEmpty();
    }
}
