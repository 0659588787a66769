package dev.heartbeat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.config.AgentConfig;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** http_get: fetches a URL from an allowlisted host, redirects checked hop by hop, size and time capped. */
public final class HttpGetTool implements Tool {
    private static final int MAX_REDIRECTS = 5;

    private final AgentConfig.HttpGet settings;
    private final HttpClient http;
    private final AddressPolicy addresses;

    /** Reads response bodies, so the beat's thread can stop waiting at the deadline. */
    private static final java.util.concurrent.ExecutorService BODY_READER = java.util.concurrent.Executors
            .newCachedThreadPool(r -> {
                Thread t = new Thread(r, "http-get-body");
                t.setDaemon(true);
                return t;
            });

    public HttpGetTool(AgentConfig.HttpGet settings) {
        this.settings = settings;
        this.addresses = new AddressPolicy(settings.allowPrivate());
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .build();
    }

    @Override
    public String name() {
        return "http_get";
    }

    @Override
    public ToolSpecification specification() {
        String hosts = settings.allowHosts().isEmpty() ? "none are allowed yet" : String.join(", ", settings.allowHosts());
        return ToolSpecification.builder().name(name())
                .description("GET an http(s) URL and return its status and body. Allowed hosts: " + hosts + ".")
                .parameters(JsonObjectSchema.builder().addStringProperty("url", "the URL to fetch").required("url").build())
                .build();
    }

    @Override
    public boolean sideEffecting() {
        return false;
    }

    @Override
    public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
        if (settings.allowHosts().isEmpty()) {
            throw ToolFailure.refused("http_get is off: no host is allowlisted (tools.http_get.allow-hosts in agent.yaml)");
        }
        URI uri = parse(Tool.text(arguments, "url"));
        // One timeout for the whole fetch: redirects, headers and body.
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            check(uri);
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw ToolFailure.error("GET " + uri + " did not finish within " + settings.timeout().toSeconds()
                        + "s (tools.http_get.timeout)");
            }
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofNanos(left))
                    .header("User-Agent", "heartbeat-agent").GET().build();
            HttpResponse<InputStream> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw ToolFailure.error("GET " + uri + " failed: " + describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ToolFailure.error("GET " + uri + " was interrupted");
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                close(response);
                uri = uri.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            return read(uri, response, deadline);
        }
        throw ToolFailure.error("more than " + MAX_REDIRECTS + " redirects");
    }

    private static URI parse(String url) throws ToolFailure {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw ToolFailure.error("'" + url + "' is not an absolute http(s) URL");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw ToolFailure.error("'" + url + "' is not a URL: " + e.getReason());
        }
    }

    private void check(URI uri) throws ToolFailure {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ToolFailure.refused("only http and https URLs are fetched, not " + scheme);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!allowed(host, settings.allowHosts())) {
            throw ToolFailure.refused("host '" + host + "' is not on the allowlist (" + String.join(", ",
                    settings.allowHosts()) + "); ask the operator to add it to tools.http_get.allow-hosts");
        }
        try {
            java.util.Optional<java.net.InetAddress> internal = addresses.forbidden(host);
            if (internal.isPresent()) {
                throw ToolFailure.refused("host '" + host + "' resolves to " + internal.get().getHostAddress()
                        + ", an internal address (private, loopback or link-local); refused unless the operator lists "
                        + "it under tools.http_get.allow-private");
            }
        } catch (java.net.UnknownHostException e) {
            throw ToolFailure.error("host '" + host + "' does not resolve");
        }
    }

    /** Exact host match, or any subdomain for an entry written {@code *.example.com}. */
    static boolean allowed(String host, List<String> allow) {
        for (String entry : allow) {
            String e = entry.toLowerCase(Locale.ROOT);
            if (e.startsWith("*.") ? host.endsWith(e.substring(1)) : host.equals(e)) {
                return true;
            }
        }
        return false;
    }

    /** Reads the body on a helper thread, so a body dripped slowly is cut at the deadline, not read for ever. */
    private String read(URI uri, HttpResponse<InputStream> response, long deadline) throws ToolFailure {
        try (InputStream in = response.body()) {
            java.util.concurrent.Future<byte[]> reading = BODY_READER.submit(() -> in.readNBytes(settings.maxBytes() + 1));
            byte[] bytes;
            try {
                bytes = reading.get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                reading.cancel(true);
                in.close();
                throw ToolFailure.error("the body of " + uri + " did not arrive within " + settings.timeout().toSeconds()
                        + "s (tools.http_get.timeout); nothing of it was kept");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                reading.cancel(true);
                Thread.currentThread().interrupt();
                throw ToolFailure.error("GET " + uri + " was interrupted");
            }
            boolean cut = bytes.length > settings.maxBytes();
            String body = new String(bytes, 0, Math.min(bytes.length, settings.maxBytes()), StandardCharsets.UTF_8);
            String type = response.headers().firstValue("Content-Type").orElse("unknown type");
            return "HTTP " + response.statusCode() + " (" + type + ") from " + uri + "\n\n" + body
                    + (cut ? "\n[... cut at " + settings.maxBytes() + " bytes]" : "");
        } catch (IOException e) {
            throw ToolFailure.error("reading the body of " + uri + " failed: " + describe(e));
        }
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // The redirect's body is not needed.
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
