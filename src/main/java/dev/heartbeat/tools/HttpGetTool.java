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
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            check(uri);
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(settings.timeout())
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
            return read(uri, response);
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

    private String read(URI uri, HttpResponse<InputStream> response) throws ToolFailure {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(settings.maxBytes() + 1);
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
