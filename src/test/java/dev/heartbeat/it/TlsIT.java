package dev.heartbeat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.fakes.TestTls;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model over HTTPS, as every hosted provider is: the jar as a process against a fake provider with a certificate
 * for {@code localhost} that only the test's trust store holds (a private CA's, to the JVM).
 */
class TlsIT {
    private static final Map<String, String> ENV = Map.of("HB_TEST_KEY", TestAgent.KEY);

    @TempDir
    Path home;

    @TempDir
    static Path certs;

    /** One certificate for the class: keytool is a JVM start per step. */
    private static TestTls tls;

    @BeforeAll
    static void certificate() throws Exception {
        tls = new TestTls(certs);
    }

    @Test
    void aBeatOverHttpsWithTheOperatorsTrustStore() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY, tls)) {
            TestAgent agent = new TestAgent(home, fake);
            fake.text("HEARTBEAT_OK");
            JarProcess.Result quiet = JarProcess.run(
                    tls.trustOptions(), ENV, "--config", agent.config().toString(), "--once");
            assertThat(quiet.exit()).as(quiet.err()).isZero();
            assertThat(quiet.out()).startsWith("QUIET: HEARTBEAT_OK");
            assertThat(fake.requests()).hasSize(1);
            assertThat(fake.rejections()).isEmpty();
            assertThat(quiet.out() + quiet.err()).doesNotContain(TestAgent.KEY);
        }
    }

    /** A certificate no trust store vouches for will not be vouched for on a second try: said once, and how to fix. */
    @Test
    void anUntrustedCertificateFailsAtOnceSayingWhereTrustComesFrom() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY, tls)) {
            TestAgent agent = new TestAgent(home, fake);
            agent.model("  provider: openai\n  name: test-model\n  base-url: " + fake.baseUrl()
                    + "\n  api-key: ${HB_TEST_KEY}\n  timeout: 3s\n  max-retries: 2\n");
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            JsonNode record = failedBeat(List.of(), agent);
            assertThat(record.path("reason").asText())
                    .contains("the certificate of openai at " + fake.baseUrl() + " is not trusted")
                    .contains("javax.net.ssl.trustStore");
            assertThat(record.path("model_calls").path(0).path("attempts")).hasSize(1);
            assertThat(fake.requests()).isEmpty();
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefusedAtOnceNamingTheHost() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY, tls)) {
            TestAgent agent = new TestAgent(home, fake);
            String byAddress = fake.baseUrl().replace("localhost", "127.0.0.1");
            agent.model("  provider: openai\n  name: test-model\n  base-url: " + byAddress
                    + "\n  api-key: ${HB_TEST_KEY}\n  timeout: 3s\n  max-retries: 2\n");
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            JsonNode record = failedBeat(tls.trustOptions(), agent);
            assertThat(record.path("reason").asText())
                    .contains("the certificate of openai at " + byAddress + " does not name 127.0.0.1")
                    .contains("model.base-url");
            assertThat(record.path("model_calls").path(0).path("attempts")).hasSize(1);
            assertThat(fake.requests()).isEmpty();
        }
    }

    private static JsonNode failedBeat(List<String> jvmOptions, TestAgent agent) throws Exception {
        JarProcess.Result failed =
                JarProcess.run(jvmOptions, ENV, "--config", agent.config().toString(), "--once", "--json");
        assertThat(failed.exit()).as(failed.out() + failed.err()).isEqualTo(1);
        assertThat(failed.out() + failed.err()).doesNotContain(TestAgent.KEY);
        JsonNode record = new ObjectMapper().readTree(failed.out());
        assertThat(record.path("outcome").asText()).isEqualTo("failed");
        return record;
    }
}
