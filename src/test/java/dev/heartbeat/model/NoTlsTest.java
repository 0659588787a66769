package dev.heartbeat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A client on the TLS-free context speaks plain http and refuses https with the reason. */
class NoTlsTest {

    @Test
    void plainHttpGoesThroughAndHttpsIsRefusedWithTheReason() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "plain".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(NoTls.context())
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            int port = server.getAddress().getPort();

            HttpResponse<String> plain = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(plain.body()).isEqualTo("plain");

            assertThatThrownBy(() -> client.send(
                            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .hasStackTraceContaining(NoTls.REASON);
        } finally {
            server.stop(0);
        }
    }
}
