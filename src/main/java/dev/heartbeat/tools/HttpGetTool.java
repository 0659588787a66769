package dev.heartbeat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.config.ToolsConfig;
import dev.heartbeat.support.Causes;
import dev.heartbeat.support.Texts;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * http_get: fetches a URL from an allowlisted host, redirects checked hop by hop, size and time capped.
 *
 * <p>The address check runs inside the HTTP client's name lookup, so the addresses checked are the ones
 * connected to: a name that answers a public address to the check and an internal one to the connect (DNS
 * rebinding) gets nowhere, because there is no second lookup.
 */
public final class HttpGetTool implements Tool {
    private static final int MAX_REDIRECTS = 5;

    private final ToolsConfig.HttpGet settings;
    private final AddressPolicy addresses;
    private final AddressPolicy.Resolver resolver;

    /** Runs each fetch, so the beat's thread can stop waiting at the deadline whatever the server does. */
    private static final ExecutorService FETCHER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "http-get");
        t.setDaemon(true);
        return t;
    });

    public HttpGetTool(ToolsConfig.HttpGet settings) {
        this(settings, AddressPolicy.Resolver.SYSTEM);
    }

    HttpGetTool(ToolsConfig.HttpGet settings, AddressPolicy.Resolver resolver) {
        this.settings = settings;
        this.resolver = resolver;
        this.addresses = new AddressPolicy(settings.allowPrivate());
    }

    @Override
    public String name() {
        return "http_get";
    }

    @Override
    public ToolSpecification specification() {
        String hosts =
                settings.allowHosts().isEmpty() ? "none are allowed yet" : String.join(", ", settings.allowHosts());
        return ToolSpecification.builder()
                .name(name())
                .description("GET an http(s) URL and return its status and body. Allowed hosts: " + hosts + ".")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("url", "the URL to fetch")
                        .required("url")
                        .build())
                .build();
    }

    @Override
    public boolean sideEffecting() {
        return false;
    }

    @Override
    public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
        return get(Tool.text(arguments, "url")).text();
    }

    /**
     * A fetched page: the status, the content type, where it came from (after redirects), the body (cut at
     * {@code tools.http_get.max-bytes}, and whether it was).
     */
    public record Page(int status, @Nullable String type, URI uri, String body, boolean cut, int maxBytes) {
        /** As the model reads it: status, type and address, then the body. */
        public String text() {
            return "HTTP " + status + " (" + (type == null ? "unknown type" : type) + ") from " + uri + "\n\n" + body
                    + (cut ? "\n[... cut at " + maxBytes + " bytes]" : "");
        }
    }

    /** GETs {@code url} under this tool's allowlist, address policy and limits (a probe's fetch too). */
    public Page get(String url) throws ToolFailure {
        if (settings.allowHosts().isEmpty()) {
            throw ToolFailure.refused(
                    "http_get is off: no host is allowlisted (tools.http_get.allow-hosts in agent.yaml)");
        }
        URI uri = parse(url);
        // One timeout for the whole fetch: redirects, connects, headers and body.
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        try (CloseableHttpClient http = client()) {
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                check(uri);
                Fetched fetched = fetch(http, uri, deadline);
                String location = fetched.location();
                if (location == null) {
                    return Objects.requireNonNull(fetched.page(), "a fetch without a redirect has a page");
                }
                uri = uri.resolve(location);
            }
        } catch (IOException e) {
            throw ToolFailure.error("GET " + uri + " failed: " + describe(e));
        }
        throw ToolFailure.error("more than " + MAX_REDIRECTS + " redirects");
    }

    /** One hop's answer: a redirect's target, or the page. */
    private record Fetched(
            @Nullable String location, @Nullable Page page) {}

    /** A client whose only name lookup is {@link #lookup}; no redirects, retries, cookies, proxies or decoding. */
    private CloseableHttpClient client() {
        Timeout timeout = Timeout.of(settings.timeout());
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new DnsResolver() {
                    @Override
                    public InetAddress[] resolve(String host) throws UnknownHostException {
                        return lookup(host);
                    }

                    @Override
                    public String resolveCanonicalHostname(String host) {
                        return host;
                    }
                })
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .build())
                .build();
        return HttpClients.custom()
                .setConnectionManager(connections)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .setUserAgent("heartbeat-agent")
                .build();
    }

    /** Looks the host up once and refuses it when any answer is internal and not allowed. */
    private InetAddress[] lookup(String host) throws UnknownHostException {
        InetAddress[] answers;
        try {
            answers = resolver.lookup(host);
        } catch (UnknownHostException e) {
            throw new UnknownHostException("host '" + host + "' does not resolve");
        }
        Optional<InetAddress> internal = addresses.forbidden(answers);
        if (internal.isPresent()) {
            throw new InternalAddress(
                    "host '" + host + "' resolves to " + internal.get().getHostAddress()
                            + ", an internal address (private, loopback or link-local); refused unless the operator lists "
                            + "it under tools.http_get.allow-private");
        }
        return answers;
    }

    /** The lookup's refusal, told apart from a network failure so the model reads it as a refusal. */
    private static final class InternalAddress extends UnknownHostException {
        InternalAddress(String message) {
            super(message);
        }
    }

    /** Runs one request on a helper thread and cancels it at the deadline, headers or body still dripping. */
    private Fetched fetch(CloseableHttpClient http, URI uri, long deadline) throws ToolFailure, IOException {
        HttpGet request = new HttpGet(uri);
        Future<Fetched> fetching = FETCHER.submit(() -> {
            try (ClassicHttpResponse response = http.executeOpen(null, request, null)) {
                int status = response.getCode();
                Header location = response.getFirstHeader("Location");
                if (status >= 300 && status < 400 && location != null) {
                    return new Fetched(location.getValue(), null);
                }
                return new Fetched(null, page(uri, response));
            }
        });
        try {
            return fetching.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            request.cancel();
            fetching.cancel(true);
            throw ToolFailure.error("GET " + uri + " did not finish within "
                    + settings.timeout().toSeconds() + "s (tools.http_get.timeout); nothing of it was kept");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            InternalAddress refusal = Causes.find(cause, InternalAddress.class);
            if (refusal != null) {
                throw ToolFailure.refused(Texts.message(refusal));
            }
            throw cause instanceof IOException io ? io : new IOException(cause);
        } catch (InterruptedException e) {
            request.cancel();
            fetching.cancel(true);
            Thread.currentThread().interrupt();
            throw ToolFailure.error("GET " + uri + " was interrupted");
        }
    }

    private Page page(URI uri, ClassicHttpResponse response) throws IOException {
        byte[] bytes;
        if (response.getEntity() == null) {
            bytes = new byte[0];
        } else {
            try (InputStream in = response.getEntity().getContent()) {
                bytes = in.readNBytes(settings.maxBytes() + 1);
            }
        }
        boolean cut = bytes.length > settings.maxBytes();
        String body = new String(bytes, 0, Math.min(bytes.length, settings.maxBytes()), StandardCharsets.UTF_8);
        Header type = response.getFirstHeader("Content-Type");
        return new Page(response.getCode(), type == null ? null : type.getValue(), uri, body, cut, settings.maxBytes());
    }

    private static URI parse(String url) throws ToolFailure {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw ToolFailure.error("'" + url + "' is not an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ToolFailure.error("'" + url + "' is not a URL: " + e.getReason());
        }
    }

    private void check(URI uri) throws ToolFailure {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ToolFailure.refused("only http and https URLs are fetched, not " + scheme);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!settings.allows(host)) {
            throw ToolFailure.refused(
                    "host '" + host + "' is not on the allowlist (" + String.join(", ", settings.allowHosts())
                            + "); ask the operator to add it to tools.http_get.allow-hosts");
        }
        // The address check happens in the connect's own lookup (see lookup), not here.
    }

    private static String describe(IOException e) {
        if (e instanceof SocketTimeoutException || e instanceof ConnectTimeoutException) {
            return "timed out";
        }
        if (e instanceof ConnectException || e instanceof HttpHostConnectException) {
            return "connection refused";
        }
        return Texts.message(e);
    }
}
