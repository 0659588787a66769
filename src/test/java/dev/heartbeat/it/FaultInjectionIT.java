package dev.heartbeat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.fakes.WebhookReceiver;
import dev.heartbeat.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real jar killed at chosen points of a beat that notifies a webhook, then started again: the
 * database is intact, the session valid, the hash chain unbroken, the crashed beat on record as failed,
 * and the webhook reached at most once.
 */
class FaultInjectionIT {
    @TempDir
    Path home;

    @ParameterizedTest(name = "kill at {0}")
    @CsvSource({
        "after-intent,   0, notify", // the intent is committed, the tool has not run
        "after-tool,     1, notify", // the tool ran, its result is not committed
        "mid-append:2,   0, ''", // inside the transaction storing the model's tool call
        "mid-decision,   1, ''", // inside the transaction storing the decision
        "before-first-reply, 0, ''", // the beat started, its first model call has not answered
        "mid-webhook,    1, notify", // the webhook got the post, its outcome is not committed
    })
    void aCrashLeavesAConsistentStoreAndNoRepeatedSideEffect(String fault, int deliveries, String openTool)
            throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY);
                WebhookReceiver hook = new WebhookReceiver()) {
            TestAgent agent = new TestAgent(home, fake);
            agent.yaml("notify:\n  channels:\n    - { type: webhook, url: \"" + hook.url() + "\" }\n");
            Map<String, String> env = new HashMap<>(Map.of("HB_TEST_KEY", TestAgent.KEY));
            String config = agent.config().toString();

            fake.call("notify", "{\"message\": \"disk on db1 is full\", \"severity\": \"critical\"}")
                    .text("HEARTBEAT_OK");
            env.put("HB_FAULT", fault.strip());
            JarProcess.Result crashed = JarProcess.run(env, "--config", config, "--once");
            assertThat(crashed.exit()).as(crashed.err()).isEqualTo(137);
            assertThat(crashed.err())
                    .contains("fault injected at " + fault.strip().split(":")[0]);
            assertThat(hook.deliveries()).hasSize(deliveries);

            env.remove("HB_FAULT");
            fake.clearScript().text("HEARTBEAT_OK");
            JarProcess.Result restarted = JarProcess.run(env, "--config", config, "--once");
            assertThat(restarted.exit()).as(restarted.out() + restarted.err()).isZero();

            assertThat(integrityCheck(agent)).isEqualTo("ok");
            assertThat(JarProcess.run(env, "--config", config, "sessions", "check")
                            .exit())
                    .isZero();
            JarProcess.Result verify = JarProcess.run(env, "--config", config, "decisions", "verify");
            assertThat(verify.exit()).as(verify.out()).isZero();
            assertThat(hook.deliveries()).as("never delivered twice").hasSize(deliveries);
            assertThat(fake.rejections()).isEmpty();

            List<Decision> decisions;
            try (Store store = agent.store()) {
                decisions = store.decisionLog().list(null, null, 100).stream()
                        .map(StoredDecision::decision)
                        .toList();
            }
            List<Decision> interrupted = decisions.stream()
                    .filter(d -> d.reason().startsWith("interrupted"))
                    .toList();
            assertThat(interrupted)
                    .as("every beat that started ends with exactly one decision")
                    .hasSize(1);
            Decision d = interrupted.get(0);
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.FAILED);
            assertThat(d.trigger()).as("the trigger is stored, not guessed").isEqualTo(Decision.Trigger.MANUAL);
            if (!openTool.isBlank()) {
                assertThat(d.reason()).contains(openTool).contains("outcome is unknown");
                assertThat(d.toolCalls())
                        .as("the started side effect is on record")
                        .anySatisfy(t -> {
                            assertThat(t.name()).isEqualTo(openTool);
                            assertThat(t.outcome().wire()).isEqualTo("interrupted");
                        });
            }
            // The record shows what the store knows happened, and its tokens count.
            if (!fault.startsWith("before-first-reply")) {
                assertThat(d.modelCalls()).as("model calls of the crashed beat").isNotEmpty();
                assertThat(d.usage().inputTokens()).isPositive();
            }
            assertThat(d.notifications().stream()
                            .filter(n -> n.status().equals("sent") || n.status().equals("queued"))
                            .count())
                    .as("deliveries on record")
                    .isEqualTo(deliveries);
            assertThat(decisions).as("the crashed beat and the one after it").hasSize(2);
            assertThat(decisions.get(0).outcome()).isEqualTo(Decision.Outcome.QUIET);
            if (!openTool.isBlank()) {
                assertThat(intentStatus(agent)).isEqualTo("interrupted");
            }
        }
    }

    @ParameterizedTest(name = "approved call, kill at {0}")
    @CsvSource({
        "after-approval-running, 0", // the approval is marked running with its intent, the tool has not run
        "after-tool,             1", // the approved tool ran, its result is not committed
    })
    void anApprovedCallIsNeverRunAgainAfterACrash(String fault, int deliveries) throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY);
                WebhookReceiver hook = new WebhookReceiver()) {
            TestAgent agent = new TestAgent(home, fake);
            agent.yaml("notify:\n  channels:\n    - { type: webhook, url: \"" + hook.url() + "\" }\n"
                    + "tools:\n  approvals:\n    required: [notify]\n");
            Map<String, String> env = new HashMap<>(Map.of("HB_TEST_KEY", TestAgent.KEY));
            String config = agent.config().toString();

            fake.call("notify", "{\"message\": \"restart db1\", \"severity\": \"critical\"}");
            JarProcess.Result asked = JarProcess.run(env, "--config", config, "--once", "--json");
            assertThat(asked.out()).as(asked.err()).contains("awaiting_approval");
            // The approval request itself reaches the webhook once; only the approved call's deliveries count.
            int before = hook.deliveries().size();
            String id = JsonMapper.builder()
                    .build()
                    .readTree(JarProcess.run(env, "--config", config, "approvals", "list", "--json")
                            .out())
                    .get(0)
                    .path("id")
                    .asText();
            assertThat(JarProcess.run(env, "--config", config, "approvals", "approve", id)
                            .exit())
                    .isZero();

            fake.clearScript().text("HEARTBEAT_OK");
            env.put("HB_FAULT", fault.strip());
            JarProcess.Result crashed = JarProcess.run(env, "--config", config, "--once");
            assertThat(crashed.exit()).as(crashed.err()).isEqualTo(137);
            assertThat(hook.deliveries().size() - before).isEqualTo(deliveries);

            env.remove("HB_FAULT");
            fake.clearScript().text("HEARTBEAT_OK").text("HEARTBEAT_OK");
            for (int beat = 0; beat < 2; beat++) {
                JarProcess.Result next = JarProcess.run(env, "--config", config, "--once");
                assertThat(next.exit()).as(next.out() + next.err()).isZero();
            }
            assertThat(hook.deliveries().size() - before)
                    .as("the approved call never ran again")
                    .isEqualTo(deliveries);
            String all = JarProcess.run(env, "--config", config, "approvals", "list", "--all")
                    .out();
            assertThat(all).contains(id).contains("outcome_unknown");
            assertThat(count(agent, "SELECT count(*) FROM tool_intents WHERE tool = 'notify'"))
                    .as("one intent: the approved call started once")
                    .isEqualTo(1);
            assertThat(fake.requests().toString()).contains("outcome is unknown");
            assertThat(JarProcess.run(env, "--config", config, "decisions", "verify")
                            .exit())
                    .isZero();
            assertThat(JarProcess.run(env, "--config", config, "sessions", "check")
                            .exit())
                    .isZero();
            assertThat(fake.rejections()).isEmpty();
        }
    }

    private static String integrityCheck(TestAgent agent) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(TestAgent agent, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String intentStatus(TestAgent agent) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status FROM tool_intents")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
