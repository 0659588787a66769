package dev.heartbeat.model;

import dev.heartbeat.support.Causes;
import java.security.cert.CertificateException;

/**
 * A TLS handshake that failed on the server's certificate: one not trusted (a private CA the JVM's trust store does
 * not hold, an expired one) or one issued for another name. Asking again cannot help, so it is not retried, and the
 * operator is told what to change.
 */
final class CertificateFailure {
    private CertificateFailure() {}

    /** One sentence for the decision record: what is wrong with the certificate of {@code where}, and the fix. */
    static String describe(String where, String host, CertificateException e) {
        String message = String.valueOf(e.getMessage());
        // The JDK's wording when the certificate's names do not include the host the URL names.
        if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
            return "the certificate of " + where + " does not name " + host + " (" + message
                    + "); use in model.base-url a host name the certificate was issued for";
        }
        String reason =
                String.valueOf(Causes.root(e).getMessage()).lines().findFirst().orElse("");
        return "the certificate of " + where + " is not trusted (" + reason + "); if a private CA signed it, give "
                + "the JVM a trust store holding that CA: -Djavax.net.ssl.trustStore=FILE (README: a provider behind a "
                + "private CA)";
    }
}
