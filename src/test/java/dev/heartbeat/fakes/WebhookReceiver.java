package dev.heartbeat.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A webhook endpoint on a real HTTP server that records every delivery (headers and JSON body). */
public final class WebhookReceiver implements AutoCloseable {
    static {
        // Without TCP_NODELAY the JDK server's small writes meet delayed ACKs: ~40 ms per exchange.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public record Delivery(Map<String, List<String>> headers, JsonNode body, String raw) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());
    private volatile int status = 204;
    private volatile String retryAfter;

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            try (exchange) {
                String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                JsonNode body;
                try {
                    body = new ObjectMapper().readTree(raw);
                } catch (IOException notJson) {
                    body = com.fasterxml.jackson.databind.node.TextNode.valueOf(raw); // ntfy posts plain text
                }
                deliveries.add(new Delivery(Map.copyOf(exchange.getRequestHeaders()), body, raw));
                if (retryAfter != null) {
                    exchange.getResponseHeaders().set("Retry-After", retryAfter);
                }
                exchange.sendResponseHeaders(status, -1);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public void answer(int status) {
        answer(status, null);
    }

    /** Answers {@code status} from now on, with a Retry-After header when one is given. */
    public void answer(int status, String retryAfter) {
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
