package dev.heartbeat.model;

import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of an HTTP client that only ever speaks plain http (a model server on this machine or the
 * local network): it trusts no certificate, so no https connection can succeed through it, and building it
 * does not read the JDK's trust store — the JDK's client otherwise builds the default context, about a
 * tenth of a second of CPU at every start, for nothing.
 */
final class NoTls {
    private NoTls() {}

    static SSLContext context() {
        try {
            SSLContext none = SSLContext.getInstance("TLS");
            none.init(new KeyManager[0], new TrustManager[0], null);
            return none;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has TLS", e);
        }
    }
}
