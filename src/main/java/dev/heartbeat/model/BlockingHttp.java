package dev.heartbeat.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 request and its whole answer, over the JDK's {@link HttpURLConnection}. The JDK's {@code java.net.http}
 * client, which did this before, cost a cold quiet beat ~0.08 s more CPU, 0.88 against 0.80 s (its asynchronous machinery
 * for HTTP/2 and streams, ~190 classes and ~90 lambdas, none of which one request and its answer need) and keeps a
 * selector thread for the life of the daemon. What callers relied on stays: no proxy, no redirects followed, a
 * timeout as {@link HttpTimeoutException} (never retried), a refused connection as {@link
 * java.net.ConnectException}, an unknown host as {@link java.net.UnknownHostException}, header names in lower case.
 * No TLS class is loaded for an {@code http://} URL.
 *
 * <p>A connection blocks its thread and ignores interrupts, so the exchange runs on a thread of its own while the
 * caller waits, interruptibly and at most the connect timeout and the timeout together: an interrupt (the daemon
 * stopping) or the end of that wait closes the connection.
 */
final class BlockingHttp {
    /** The largest answer read: a model's reply is kilobytes; anything past this is refused, not kept in memory. */
    static final int MAX_BODY = 16 * 1024 * 1024;

    static {
        // The connection would otherwise send a POST again, unseen, when reading its answer fails once: a model
        // call paid twice and an attempt missing from the decision record. Our retry policy decides, and records.
        // Read once, when the JDK's HTTP client class loads, so set before the first connection (an operator's
        // own setting stands).
        if (System.getProperty("sun.net.http.retryPost") == null) {
            System.setProperty("sun.net.http.retryPost", "false");
        }
    }

    private final Duration connectTimeout;

    BlockingHttp(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** A status, the headers by lower-case name, the body as UTF-8. */
    record Answer(int status, Map<String, List<String>> headers, String body) {
        Optional<String> header(String lowerCaseName) {
            List<String> values = headers.get(lowerCaseName);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    /**
     * Sends the request and reads the whole answer: at most the connect timeout to connect, {@code timeout} for each
     * read, and the two together for all of it.
     */
    Answer send(String method, String url, Map<String, List<String>> headers, @Nullable String body, Duration timeout)
            throws IOException, InterruptedException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
        c.setConnectTimeout(millis(connectTimeout));
        c.setReadTimeout(millis(timeout));
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setRequestMethod(method);
        headers.forEach((name, values) -> values.forEach(v -> c.addRequestProperty(name, v)));
        FutureTask<Answer> exchange = new FutureTask<>(() -> exchange(c, body));
        Thread io = new Thread(exchange, "model-http");
        io.setDaemon(true);
        io.start();
        try {
            return exchange.get((long) millis(connectTimeout) + millis(timeout), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            c.disconnect();
            throw e;
        } catch (TimeoutException e) {
            c.disconnect();
            throw new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    private static Answer exchange(HttpURLConnection c, @Nullable String body) throws IOException {
        if (body != null) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            // Buffered, not streamed: in streaming mode the connection drops the body of a 401 (the provider's
            // reason for refusing the key).
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(bytes);
            }
        }
        int status = c.getResponseCode();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        c.getHeaderFields().forEach((name, values) -> {
            if (name != null) { // the status line
                headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .addAll(values);
            }
        });
        long expected = "HEAD".equals(c.getRequestMethod()) ? -1 : c.getContentLengthLong();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            byte[] buffer = new byte[8192];
            for (int n = 0; in != null && n >= 0; ) {
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException timeout) {
                    throw timeout;
                } catch (IOException e) {
                    if (expected < 0 || answer.size() >= expected) {
                        throw e;
                    }
                    // A body cut short of its length: Java 17's connection reads it as the end, Java 25's throws
                    // "Premature EOF". Both are said in words below.
                    n = -1;
                }
                if (n > 0 && answer.size() + n > MAX_BODY) {
                    c.disconnect();
                    throw new IOException("the answer is larger than " + (MAX_BODY >> 20) + " MB; not read");
                }
                answer.write(buffer, 0, Math.max(n, 0));
            }
        }
        if (expected >= 0 && answer.size() != expected) {
            c.disconnect();
            throw new IOException("the answer ended after " + answer.size() + " of its " + expected + " bytes");
        }
        return new Answer(status, headers, answer.toString(StandardCharsets.UTF_8));
    }

    private static IOException rethrown(@Nullable Throwable cause) {
        if (cause instanceof SocketTimeoutException t) {
            HttpTimeoutException timeout =
                    String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connect")
                            ? new HttpConnectTimeoutException(t.getMessage())
                            : new HttpTimeoutException(t.getMessage());
            timeout.initCause(t);
            return timeout;
        }
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IOException(cause);
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }
}
