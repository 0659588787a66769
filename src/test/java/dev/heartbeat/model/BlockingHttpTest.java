package dev.heartbeat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One request and its answer, against a real HTTP server on the loopback. */
class BlockingHttpTest {
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;

    private String serve(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            handler.handle(exchange);
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat";
    }

    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static BlockingHttp.Answer post(String url) throws Exception {
        return new BlockingHttp(Duration.ofSeconds(5))
                .send("POST", url, Map.of("Content-Type", List.of("application/json")), "{}", Duration.ofSeconds(30));
    }

    @Test
    void anAnswersStatusHeadersAndBodyAreReadAndARefusalsReasonToo() throws Exception {
        String url = serve(exchange -> {
            exchange.getResponseHeaders().set("Retry-After", "3");
            byte[] body = "{\"error\": \"Incorrect API key provided\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        BlockingHttp.Answer answer = post(url);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body()).isEqualTo("{\"error\": \"Incorrect API key provided\"}");
        assertThat(answer.header("retry-after")).contains("3");
        assertThat(answer.headers())
                .allSatisfy((name, values) -> assertThat(name).isLowerCase());
    }

    /** Timeouts of weeks (a model.timeout written as "no limit") add up without overflowing into none at all. */
    @Test
    void timeoutsOfWeeksStillWaitForTheAnswer() throws Exception {
        String url = serve(exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("{}".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        BlockingHttp.Answer answer =
                new BlockingHttp(Duration.ofDays(30)).send("POST", url, Map.of(), "{}", Duration.ofDays(30));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{}");
    }

    /** Our retry policy decides whether to ask again, and records it; the connection never does so unseen. */
    @Test
    void aPostWhoseAnswerNeverComesIsNotSentAgainByTheConnection() throws Exception {
        String url = serve(HttpExchange::close); // no status line: the connection just ends
        assertThatThrownBy(() -> post(url)).isInstanceOf(IOException.class);
        assertThat(requests).hasValue(1);
    }

    @Test
    void aBodyCutShortOfItsLengthIsAnError() throws Exception {
        String url = serve(exchange -> {
            exchange.sendResponseHeaders(200, 100);
            exchange.getResponseBody().write("{\"id\": \"cut".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            exchange.close();
        });
        assertThatThrownBy(() -> post(url))
                .isInstanceOf(IOException.class)
                .hasMessage("the answer ended after 11 of its 100 bytes");
    }

    @Test
    void anAnswerPastTheBoundIsRefusedUnread() throws Exception {
        String url = serve(exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked, no length announced
            byte[] block = new byte[1 << 20];
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i <= BlockingHttp.MAX_BODY >> 20; i++) {
                    out.write(block);
                }
            } catch (IOException e) {
                // the client hung up, as it should
            }
        });
        assertThatThrownBy(() -> post(url))
                .isInstanceOf(IOException.class)
                .hasMessage("the answer is larger than 16 MB; not read");
    }

    /** The daemon stopping interrupts a beat: a call waiting on a silent server ends then, not at its timeout. */
    @Test
    void anInterruptEndsACallWaitingForItsAnswer() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        String url = serve(exchange -> {
            asked.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                post(url);
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        caller.start();
        try {
            assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();
            caller.join(10_000);
            assertThat(caller.isAlive()).as("the call still waits").isFalse();
            assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        } finally {
            release.countDown();
        }
    }
}
