package dev.heartbeat.model;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The TLS context of an HTTP client that only ever speaks plain http (a model server on this machine or the
 * local network). The JDK's client always takes a context; left to itself it builds the default one, which reads
 * the trust store, and even an empty context of the JDK's own loads its TLS provider (some 400 classes at every
 * start). This one is neither: it has no provider behind it, and anything that would start a TLS connection
 * through it fails with the reason.
 */
final class NoTls {
    static final String REASON = "this client speaks plain http only (model.base-url is http://); no TLS here";

    private NoTls() {}

    static SSLContext context() {
        return new SSLContext(new Refusing(), null, "none") {};
    }

    private static final class Refusing extends SSLContextSpi {
        @Override
        protected void engineInit(
                KeyManager @Nullable [] km, TrustManager @Nullable [] tm, @Nullable SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException(REASON);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw new UnsupportedOperationException(REASON);
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new UnsupportedOperationException(REASON);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw new UnsupportedOperationException(REASON);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw new UnsupportedOperationException(REASON);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw new UnsupportedOperationException(REASON);
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw new UnsupportedOperationException(REASON);
        }

        // The client copies these when it is built; plain parameters, no protocol or cipher suite named.
        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return new SSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return new SSLParameters();
        }
    }
}
