package dev.heartbeat.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.heartbeat.support.Redactor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** Log outputs added at run time from the configuration. */
public final class Logs {
    private Logs() {}

    /**
     * Adds a JSON-lines file (Logback's JsonEncoder: level, logger, message, MDC with the beat id, and the
     * key-value pairs of each decision event). Secrets are masked before they reach it: decision fields
     * are redacted when recorded.
     */
    public static void addJsonFile(Path file) {
        Optional<LoggerContext> logback = LogProvider.loggerContext();
        if (logback.isEmpty()) {
            return;
        }
        LoggerContext context = logback.get();
        // Every line is masked as written: a logger anywhere (a library's, an exception's text) may carry a secret.
        JsonEncoder encoder = new JsonEncoder() {
            @Override
            public byte[] encode(ILoggingEvent event) {
                byte[] line = super.encode(event);
                String text = new String(line, StandardCharsets.UTF_8);
                String masked = Redactor.redact(text);
                return masked.equals(text) ? line : masked.getBytes(StandardCharsets.UTF_8);
            }
        };
        encoder.setContext(context);
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("JSON_FILE");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        Logger heartbeat = context.getLogger("dev.heartbeat");
        heartbeat.addAppender(appender);
    }
}
