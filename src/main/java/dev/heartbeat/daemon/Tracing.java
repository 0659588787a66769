package dev.heartbeat.daemon;

import dev.heartbeat.beat.BeatListener;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * OpenTelemetry traces, when the operator points the standard variables at a collector: with
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) set, the SDK's
 * autoconfiguration builds the exporter from the {@code OTEL_*} variables (OTLP over http/protobuf unless
 * told otherwise; the service name defaults to heartbeat-agent); without it nothing is built or exported.
 * Metrics and logs stay with Prometheus and Logback.
 */
public final class Tracing implements AutoCloseable {
    private final OpenTelemetrySdk sdk;
    private final boolean content;

    private Tracing(OpenTelemetrySdk sdk, boolean content) {
        this.sdk = sdk;
        this.content = content;
    }

    /** Tracing for the process when the environment asks for it; empty otherwise. */
    public static Optional<Tracing> fromEnvironment(Map<String, String> env) {
        if (blank(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")) && blank(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))) {
            return Optional.empty();
        }
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", "heartbeat-agent");
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        Map<String, String> fromEnv = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_")) {
                fromEnv.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .disableShutdownHook()
                .addPropertiesSupplier(() -> defaults)
                .addPropertiesSupplier(() -> fromEnv)
                .build()
                .getOpenTelemetrySdk();
        boolean content = "true".equalsIgnoreCase(env.get("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"));
        return Optional.of(new Tracing(sdk, content));
    }

    /** The listener that traces one agent's beats; every agent's spans go through the one exporter. */
    public BeatListener listener(String agent) {
        return new BeatTraces(sdk.getTracer("dev.heartbeat"), agent, content);
    }

    /** Exports what is still buffered (a --once beat's spans) and stops the exporter. */
    @Override
    public void close() {
        sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        sdk.close();
    }

    private static boolean blank(@Nullable String s) {
        return s == null || s.isBlank();
    }
}
