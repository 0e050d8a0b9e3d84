package io.aiwatch.reader.http.security;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys the way Go's {@code tls.X509KeyPair} does: PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC 1 ({@code EC PRIVATE KEY}), so
 * files made with openssl, cfssl or Go work unchanged. The JDK reads only PKCS#8, so the other two
 * are wrapped into PKCS#8 here (a few DER bytes around the original key).
 */
final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    private static final byte[] OID_RSA = {
        0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01
    };
    private static final byte[] OID_EC = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final byte[] INT_ZERO = {0x02, 0x01, 0x00};

    private Pem() {}

    /** Every {@code CERTIFICATE} block in {@code pem}, in order; at least one. */
    static List<X509Certificate> certificates(String pem, String what) throws WebConfigException {
        List<X509Certificate> certs = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    certs.add((X509Certificate)
                            cf.generateCertificate(new ByteArrayInputStream(decode(m.group(2), what))));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new WebConfigException(what + ": not a valid X.509 certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new WebConfigException(what + ": no PEM CERTIFICATE block found");
        }
        return List.copyOf(certs);
    }

    /** The first private key block in {@code pem}. Error messages never include key material. */
    static PrivateKey privateKey(String pem, String what) throws WebConfigException {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(decode(m.group(2), what), what);
                case "RSA PRIVATE KEY":
                    return pkcs8(seq(INT_ZERO, seq(OID_RSA, DER_NULL), octets(decode(m.group(2), what))), what);
                case "EC PRIVATE KEY":
                    byte[] sec1 = decode(m.group(2), what);
                    return pkcs8(seq(INT_ZERO, seq(OID_EC, curveOid(sec1, what)), octets(sec1)), what);
                case "ENCRYPTED PRIVATE KEY":
                    throw new WebConfigException(what + ": encrypted private keys are not supported");
                default:
                // certificates or parameters next to the key: skip
            }
        }
        throw new WebConfigException(
                what + ": no PEM private key block (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY) found");
    }

    private static PrivateKey pkcs8(byte[] der, String what) throws WebConfigException {
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw new WebConfigException(what + ": unreadable private key (not RSA, EC or Ed25519)");
    }

    private static byte[] decode(String base64, String what) throws WebConfigException {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new WebConfigException(what + ": bad base64 in PEM block");
        }
    }

    /** The named-curve OID inside a SEC 1 ECPrivateKey's {@code [0] parameters}. */
    private static byte[] curveOid(byte[] sec1, String what) throws WebConfigException {
        try {
            int[] pos = {0};
            expect(sec1, pos, 0x30);
            int end = readLength(sec1, pos) + pos[0];
            while (pos[0] < end) {
                int tag = sec1[pos[0]++] & 0xFF;
                int len = readLength(sec1, pos);
                if (tag == 0xA0) {
                    if ((sec1[pos[0]] & 0xFF) != 0x06) {
                        break;
                    }
                    byte[] oid = new byte[len];
                    System.arraycopy(sec1, pos[0], oid, 0, len);
                    return oid;
                }
                pos[0] += len;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new WebConfigException(what + ": truncated EC PRIVATE KEY");
        }
        throw new WebConfigException(what + ": EC PRIVATE KEY without a named curve; convert it to PKCS#8");
    }

    private static void expect(byte[] der, int[] pos, int tag) {
        if ((der[pos[0]++] & 0xFF) != tag) {
            throw new ArrayIndexOutOfBoundsException("unexpected DER tag");
        }
    }

    private static int readLength(byte[] der, int[] pos) {
        int b = der[pos[0]++] & 0xFF;
        if (b < 0x80) {
            return b;
        }
        int n = b & 0x7F;
        if (n > 3) {
            throw new ArrayIndexOutOfBoundsException("DER length too long");
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = (len << 8) | (der[pos[0]++] & 0xFF);
        }
        return len;
    }

    private static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] octets(byte[] content) {
        return tlv(0x04, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
