package dev.heartbeat.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import dev.heartbeat.support.Redactor;

/** Logback's stack trace converter with every known secret masked. */
public final class RedactingThrowableConverter extends ThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return Redactor.redact(super.throwableProxyToString(proxy));
    }
}
