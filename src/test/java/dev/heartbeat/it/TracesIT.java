package dev.heartbeat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's --once exports its spans to an OTLP receiver over HTTP (protobuf), as a collector receives them. */
class TracesIT {
    @TempDir
    Path home;

    @Test
    void aOnceBeatsSpansReachAnOtlpReceiver() throws Exception {
        List<Span> received = Collections.synchronizedList(new ArrayList<>());
        List<String> services = Collections.synchronizedList(new ArrayList<>());
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (exchange) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(
                        exchange.getRequestBody().readAllBytes());
                for (ResourceSpans r : request.getResourceSpansList()) {
                    r.getResource().getAttributesList().stream()
                            .filter(a -> a.getKey().equals("service.name"))
                            .forEach(a -> services.add(a.getValue().getStringValue()));
                    for (ScopeSpans s : r.getScopeSpansList()) {
                        received.addAll(s.getSpansList());
                    }
                }
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            TestAgent agent = new TestAgent(home, fake);
            Files.writeString(agent.workspace().resolve("NOTES.md"), "disk at 41%\n");
            fake.call("read_file", "{\"path\": \"NOTES.md\"}").text("HEARTBEAT_OK");
            JarProcess.Result r = JarProcess.run(
                    Map.of(
                            "HB_TEST_KEY",
                            TestAgent.KEY,
                            "OTEL_EXPORTER_OTLP_ENDPOINT",
                            "http://127.0.0.1:" + collector.getAddress().getPort()),
                    "--config",
                    agent.config().toString(),
                    "--once");
            assertThat(r.exit()).as(r.err()).isZero();
        } finally {
            collector.stop(0);
        }
        assertThat(received)
                .extracting(Span::getName)
                .containsExactlyInAnyOrder(
                        "chat test-model", "execute_tool read_file", "chat test-model", "invoke_agent test-agent");
        assertThat(services).containsOnly("heartbeat-agent");
        Span beat = received.stream()
                .filter(s -> s.getName().startsWith("invoke_agent"))
                .findFirst()
                .orElseThrow();
        assertThat(received).allMatch(s -> s.getTraceId().equals(beat.getTraceId()));
        assertThat(received.toString()).doesNotContain(TestAgent.KEY);
    }

    @Test
    void withoutAnEndpointNothingIsExported() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            TestAgent agent = new TestAgent(home, fake);
            fake.text("HEARTBEAT_OK");
            JarProcess.Result r = JarProcess.run(
                    Map.of("HB_TEST_KEY", TestAgent.KEY, "JAVA_TOOL_OPTIONS", "-Xlog:class+load=info"),
                    "--config",
                    agent.config().toString(),
                    "--once");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out() + r.err()).as("the SDK is not even loaded").doesNotContain("io.opentelemetry.sdk");
        }
    }
}
