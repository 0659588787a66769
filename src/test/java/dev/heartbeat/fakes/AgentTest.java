package dev.heartbeat.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test with an agent home and a fake OpenAI server, started and stopped around each test. */
public abstract class AgentTest {
    protected static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    protected Path home;

    protected FakeOpenAi fake;
    protected TestAgent agent;

    @BeforeEach
    void startAgent() throws Exception {
        fake = new FakeOpenAi(TestAgent.KEY);
        agent = new TestAgent(home, fake);
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    protected static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    /** One beat through the command line; its decision record. */
    protected JsonNode beat() throws Exception {
        TestAgent.Result r = agent.run("--once", "--json");
        assertThat(r.out()).as(r.err()).isNotBlank();
        return JSON.readTree(r.out());
    }
}
