package io.aiwatch.reader.http.security;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's server SSL context built from a {@link LoadedWebConfig.Tls}, reloadable in place.
 *
 * <p>Go's client-auth modes map onto JSSE as: NoClientCert = no request; RequestClientCert = want,
 * any certificate accepted; RequireAnyClientCert = need, any accepted; VerifyClientCertIfGiven = want,
 * checked against the client CAs; RequireAndVerifyClientCert = need, checked. {@code client_allowed_sans}
 * is checked in the trust manager, so a certificate without an allowed SAN fails the handshake.
 */
final class ServerTls extends SslContextFactory.Server {
    private static final char[] STORE_PASSWORD = "aiwatch-in-memory".toCharArray();
    private final Runnable beforeHandshake;
    private volatile LoadedWebConfig.Tls tls;

    /** @param beforeHandshake run before each new TLS connection (the cheap, throttled reload check) */
    ServerTls(LoadedWebConfig.Tls tls, Runnable beforeHandshake) throws Exception {
        this.beforeHandshake = beforeHandshake;
        configure(this, tls);
    }

    /** Swaps key, chain, CAs and options; new connections use them, open ones keep theirs. */
    void update(LoadedWebConfig.Tls next) throws Exception {
        reload(f -> {
            try {
                configure((ServerTls) f, next);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void configure(ServerTls f, LoadedWebConfig.Tls tls) throws Exception {
        f.tls = tls;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", tls.key(), STORE_PASSWORD, tls.chain().toArray(X509Certificate[]::new));
        f.setKeyStore(ks);
        f.setKeyStorePassword(new String(STORE_PASSWORD));
        f.setKeyManagerPassword(new String(STORE_PASSWORD));
        WebConfig.TlsServerConfig o = tls.options();
        f.setNeedClientAuth(o.clientAuthType().requires());
        f.setWantClientAuth(o.clientAuthType() != WebConfig.ClientAuth.NO_CLIENT_CERT
                && !o.clientAuthType().requires());
        List<String> protocols = new ArrayList<>();
        for (WebConfig.TlsVersion v : WebConfig.TlsVersion.values()) {
            if (v.compareTo(o.minVersion()) >= 0 && v.compareTo(o.maxVersion()) <= 0) {
                protocols.add(v.javaName());
            }
        }
        f.setIncludeProtocols(protocols.toArray(String[]::new));
        if (!o.cipherSuites().isEmpty()) {
            f.setExcludeCipherSuites();
            f.setIncludeCipherSuites(o.cipherSuites().toArray(String[]::new));
        }
        f.setUseCipherSuitesOrder(o.preferServerCipherSuites());
        f.setEndpointIdentificationAlgorithm(null);
        f.setSniRequired(false);
    }

    @Override
    public void customize(SSLEngine engine) {
        beforeHandshake.run();
        super.customize(engine);
    }

    @Override
    protected TrustManager[] getTrustManagers(KeyStore ignored, Collection<? extends CRL> crls) throws Exception {
        LoadedWebConfig.Tls t = tls;
        WebConfig.ClientAuth mode = t.options().clientAuthType();
        if (mode == WebConfig.ClientAuth.NO_CLIENT_CERT) {
            return null;
        }
        X509ExtendedTrustManager base = null;
        if (mode.verifies()) {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (X509Certificate ca : t.clientCas()) {
                ts.setCertificateEntry("ca" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            base = (X509ExtendedTrustManager) Arrays.stream(tmf.getTrustManagers())
                    .filter(m -> m instanceof X509ExtendedTrustManager)
                    .findFirst()
                    .orElseThrow();
        }
        return new TrustManager[] {new ClientTrust(base, t.options().clientAllowedSans(), t.clientCas())};
    }

    /** Verifies (or, for the non-verifying modes, accepts) client certificates, then checks allowed SANs. */
    private static final class ClientTrust extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager base;
        private final List<String> allowedSans;
        private final X509Certificate[] issuers;

        ClientTrust(X509ExtendedTrustManager base, List<String> allowedSans, List<X509Certificate> cas) {
            this.base = base;
            this.allowedSans = allowedSans;
            this.issuers = cas.toArray(X509Certificate[]::new);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
            if (base != null) {
                base.checkClientTrusted(chain, authType, s);
            }
            checkSans(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e)
                throws CertificateException {
            if (base != null) {
                base.checkClientTrusted(chain, authType, e);
            }
            checkSans(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (base != null) {
                base.checkClientTrusted(chain, authType);
            }
            checkSans(chain);
        }

        private void checkSans(X509Certificate[] chain) throws CertificateException {
            if (allowedSans.isEmpty()) {
                return;
            }
            try {
                Collection<List<?>> sans = chain[0].getSubjectAlternativeNames();
                if (sans != null) {
                    for (List<?> san : sans) {
                        if (san.size() > 1 && allowedSans.contains(String.valueOf(san.get(1)))) {
                            return;
                        }
                    }
                }
            } catch (CertificateParsingException e) {
                throw new CertificateException("unreadable client certificate SANs", e);
            }
            throw new CertificateException("client certificate has no SAN in client_allowed_sans");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
            throw new CertificateException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e)
                throws CertificateException {
            throw new CertificateException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return issuers.clone();
        }
    }
}
