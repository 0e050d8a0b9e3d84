package io.aiwatch.reader.http.security;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for TLS tests, made in memory with BouncyCastle: CAs, server and client leaves, expired ones. */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    record Issued(KeyPair keys, X509Certificate cert) {
        String certPem() {
            return pem(cert);
        }

        /** PKCS#8 ("PRIVATE KEY"). */
        String keyPem() {
            try {
                return pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null));
            } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The traditional OpenSSL form: "EC PRIVATE KEY" (SEC 1, with the named curve, as openssl writes it) or "RSA PRIVATE KEY". */
        String traditionalKeyPem() {
            if (keys.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec) {
                try {
                    var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                            256,
                            ec.getS(),
                            new org.bouncycastle.asn1.x9.X962Parameters(
                                    org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1));
                    return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return pem(keys);
        }

        /** BouncyCastle's own KeyPair output: an "EC PRIVATE KEY" without curve parameters. */
        String curvelessKeyPem() {
            return pem(keys);
        }

        void write(Path certFile, Path keyFile) throws IOException {
            Files.writeString(certFile, certPem());
            Files.writeString(keyFile, keyPem());
        }
    }

    private TestPki() {}

    static KeyPair ecKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsaKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Issued ca(String cn) {
        KeyPair k = ecKeys();
        return new Issued(
                k,
                build(
                        cn,
                        k,
                        null,
                        true,
                        Instant.now().minus(Duration.ofDays(1)),
                        Instant.now().plus(Duration.ofDays(30))));
    }

    /** A leaf for 127.0.0.1 / localhost valid from yesterday for 30 days. */
    static Issued leaf(Issued ca, String cn) {
        return leaf(
                ca,
                cn,
                ecKeys(),
                Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)));
    }

    static Issued leaf(Issued ca, String cn, KeyPair keys, Instant notBefore, Instant notAfter) {
        return new Issued(keys, build(cn, keys, ca, false, notBefore, notAfter));
    }

    private static X509Certificate build(
            String cn, KeyPair keys, Issued issuer, boolean isCa, Instant from, Instant to) {
        try {
            X500Name subject = new X500Name("CN=" + cn);
            X500Name issuerName = issuer == null
                    ? subject
                    : new X500Name(issuer.cert().getSubjectX500Principal().getName());
            var b = new JcaX509v3CertificateBuilder(
                    issuerName,
                    BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(from),
                    Date.from(to),
                    subject,
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (isCa) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.dNSName, cn)
                }));
            }
            KeyPair signer = issuer == null ? keys : issuer.keys();
            String alg = signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            var holder = b.build(new JcaContentSignerBuilder(alg).build(signer.getPrivate()));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(Object o) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sw.toString();
    }

    /** A client context trusting {@code trusted}, presenting {@code clientCert} when not null, limited to {@code protocols}. */
    static SSLContext client(Issued trusted, Issued clientCert, String protocol) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", trusted.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        KeyManagerFactory kmf = null;
        if (clientCert != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", clientCert.keys().getPrivate(), "pw".toCharArray(), new X509Certificate[] {
                clientCert.cert()
            });
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "pw".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance(protocol);
        javax.net.ssl.KeyManager[] kms = null;
        if (kmf != null) {
            kms = new javax.net.ssl.KeyManager[] {
                new AlwaysPresent((javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0])
            };
        }
        ctx.init(kms, tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    /**
     * Presents the client certificate whatever CAs the server names: the JDK's own key manager
     * would silently send no certificate when its issuer is not in the server's list, and the test
     * of a wrong certificate would then test nothing.
     */
    private static final class AlwaysPresent extends javax.net.ssl.X509ExtendedKeyManager {
        private final javax.net.ssl.X509ExtendedKeyManager d;

        AlwaysPresent(javax.net.ssl.X509ExtendedKeyManager d) {
            this.d = d;
        }

        @Override
        public String chooseEngineClientAlias(
                String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine e) {
            return "client";
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return d.getCertificateChain(alias);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return d.getPrivateKey(alias);
        }
    }

    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }
}
