package io.aiwatch.reader.http.security;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aiwatch.config.DurationText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Reads and validates a web-config file with exporter-toolkit's rules: unknown keys are errors
 * (with file:line), referenced files must exist and parse, bcrypt hashes must be well-formed,
 * header names are limited to the five exporter-toolkit allows. Relative paths are resolved
 * against the file's directory.
 */
public final class WebConfigLoader {
    /** bcrypt modular crypt format: {@code $2a$}, {@code $2b$} or {@code $2y$}, 2-digit cost, 53 chars of salt+hash. */
    static final Pattern BCRYPT = Pattern.compile("^\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}$");

    static final Set<String> HEADERS = Set.of(
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "X-XSS-Protection",
            "Strict-Transport-Security");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private WebConfigLoader() {}

    /** Loads {@code file}; every problem is a {@link WebConfigException} naming the file. */
    public static LoadedWebConfig load(Path file) throws WebConfigException {
        byte[] bytes = read(file, "web config file");
        WebConfig config = parse(file, bytes);
        Path dir = file.toAbsolutePath().getParent();
        List<Path> watched = new ArrayList<>(List.of(file));
        LoadedWebConfig.Tls tls = config.tlsEnabled() ? tls(file, dir, config.tlsServerConfig(), watched) : null;
        validateHeaders(file, config.headers());
        validateUsers(file, config.basicAuthUsers());
        Duration interval = rateLimit(file, config.rateLimit());
        return new LoadedWebConfig(file, config, tls, List.copyOf(watched), fingerprint(watched), interval);
    }

    static WebConfig parse(Path file, byte[] bytes) throws WebConfigException {
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return WebConfig.defaults();
        }
        try {
            WebConfig c = YAML.readValue(bytes, WebConfig.class);
            return c == null ? WebConfig.defaults() : c;
        } catch (UnrecognizedPropertyException e) {
            int line = lineOfKey(
                    new String(bytes, StandardCharsets.UTF_8),
                    e.getPropertyName(),
                    e.getLocation() == null
                            ? Integer.MAX_VALUE
                            : e.getLocation().getLineNr());
            throw new WebConfigException(file + ":" + line + ": unknown key \"" + e.getPropertyName()
                    + "\" (allowed here: " + e.getKnownPropertyIds() + ")");
        } catch (JsonProcessingException e) {
            throw new WebConfigException(where(file, e.getLocation()) + rootMessage(e));
        } catch (IOException e) {
            throw new WebConfigException(file + ": " + e.getMessage(), e);
        }
    }

    private static LoadedWebConfig.Tls tls(Path file, Path dir, WebConfig.TlsServerConfig t, List<Path> watched)
            throws WebConfigException {
        String certPem = pem(file, dir, "cert", t.cert(), "cert_file", t.certFile(), watched, true);
        String keyPem = pem(file, dir, "key", t.key(), "key_file", t.keyFile(), watched, true);
        String caPem = pem(file, dir, "client_ca", t.clientCa(), "client_ca_file", t.clientCaFile(), watched, false);
        String prefix = file + ": tls_server_config: ";
        if (caPem != null && t.clientAuthType() == WebConfig.ClientAuth.NO_CLIENT_CERT) {
            throw new WebConfigException(prefix + "client CA's have been configured without a Client Auth Policy "
                    + "(set client_auth_type, e.g. RequireAndVerifyClientCert)");
        }
        if (caPem == null && t.clientAuthType().verifies()) {
            throw new WebConfigException(prefix + "client_auth_type " + t.clientAuthType()
                    + " needs client_ca_file (or client_ca) to verify client certificates against");
        }
        if (t.minVersion().compareTo(t.maxVersion()) > 0) {
            throw new WebConfigException(
                    prefix + "min_version " + t.minVersion() + " is above max_version " + t.maxVersion());
        }
        if (!t.curvePreferences().isEmpty()) {
            throw new WebConfigException(prefix + "curve_preferences is not supported by aiwatch (Java 17 cannot set "
                    + "TLS groups per server); remove it to use the JVM's defaults");
        }
        validateCipherSuites(prefix, t.cipherSuites());
        String certWhat =
                t.certFile() != null ? resolve(dir, t.certFile()).toString() : file + ": tls_server_config.cert";
        String keyWhat = t.keyFile() != null ? resolve(dir, t.keyFile()).toString() : file + ": tls_server_config.key";
        List<X509Certificate> chain = Pem.certificates(certPem, certWhat);
        List<X509Certificate> cas = caPem == null ? List.of() : Pem.certificates(caPem, file + ": client CA");
        return new LoadedWebConfig.Tls(Pem.privateKey(keyPem, keyWhat), chain, cas, t);
    }

    /** The PEM text of an inline value or a file; exactly one of the two may be set. */
    private static String pem(
            Path file,
            Path dir,
            String inlineKey,
            String inline,
            String fileKey,
            String path,
            List<Path> watched,
            boolean required)
            throws WebConfigException {
        String prefix = file + ": tls_server_config: ";
        if (inline != null && path != null) {
            throw new WebConfigException(
                    prefix + "at most one of " + inlineKey + " and " + fileKey + " must be configured");
        }
        if (inline != null) {
            return inline;
        }
        if (path == null) {
            if (required) {
                throw new WebConfigException(prefix + "missing one of " + inlineKey + " or " + fileKey);
            }
            return null;
        }
        Path p = resolve(dir, path);
        watched.add(p);
        return new String(read(p, fileKey + " (from " + file + ")"), StandardCharsets.UTF_8);
    }

    private static Path resolve(Path dir, String path) {
        Path p = Path.of(path);
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }

    private static void validateCipherSuites(String prefix, List<String> suites) throws WebConfigException {
        if (suites.isEmpty()) {
            return;
        }
        Set<String> supported;
        try {
            supported =
                    Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new WebConfigException(prefix + "no TLS support in this JVM", e);
        }
        for (String s : suites) {
            if (!supported.contains(s)) {
                throw new WebConfigException(prefix + "cipher_suites: unknown or unsupported cipher suite " + s);
            }
        }
    }

    private static void validateHeaders(Path file, Map<String, String> headers) throws WebConfigException {
        for (var e : headers.entrySet()) {
            String prefix = file + ": http_server_config.headers: ";
            if (!HEADERS.contains(e.getKey())) {
                throw new WebConfigException(
                        prefix + "HTTP header \"" + e.getKey() + "\" can not be configured (allowed: " + HEADERS + ")");
            }
            String v = e.getValue() == null ? "" : e.getValue();
            if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                throw new WebConfigException(prefix + e.getKey() + " value contains a line break");
            }
            String lower = v.toLowerCase(Locale.ROOT);
            if (e.getKey().equals("X-Frame-Options") && !lower.equals("deny") && !lower.equals("sameorigin")) {
                throw new WebConfigException(
                        prefix + "invalid value for X-Frame-Options. Expected one of: [\"deny\" \"sameorigin\"]");
            }
            if (e.getKey().equals("X-Content-Type-Options") && !lower.equals("nosniff")) {
                throw new WebConfigException(
                        prefix + "invalid value for X-Content-Type-Options. Expected one of: [\"nosniff\"]");
            }
        }
    }

    private static void validateUsers(Path file, Map<String, String> users) throws WebConfigException {
        for (var e : users.entrySet()) {
            String prefix = file + ": basic_auth_users: ";
            if (e.getKey().isEmpty() || e.getKey().indexOf(':') >= 0) {
                throw new WebConfigException(prefix + "user name must be non-empty and without ':'");
            }
            String hash = e.getValue() == null ? "" : e.getValue();
            Matcher m = BCRYPT.matcher(hash);
            if (!m.matches()) {
                throw new WebConfigException(
                        prefix + "user \"" + e.getKey() + "\": not a bcrypt hash ($2a$, $2b$ or $2y$, "
                                + "e.g. from `htpasswd -nBC 10 \"\" | tr -d ':\\n'`)");
            }
            int cost = Integer.parseInt(m.group(1));
            if (cost < 4 || cost > 31) {
                throw new WebConfigException(
                        prefix + "user \"" + e.getKey() + "\": bcrypt cost " + cost + " outside 4..31");
            }
        }
    }

    private static Duration rateLimit(Path file, WebConfig.RateLimitConfig r) throws WebConfigException {
        if (r == null || r.interval() == null) {
            return Duration.ZERO;
        }
        Duration d;
        try {
            d = DurationText.parse(r.interval());
        } catch (IllegalArgumentException e) {
            throw new WebConfigException(
                    file + ": rate_limit.interval: not a duration: \"" + r.interval() + "\" (e.g. 1s, 250ms)");
        }
        if (!d.isZero() && (r.burst() == null || r.burst() < 1)) {
            throw new WebConfigException(file + ": rate_limit.burst must be at least 1 when interval is set");
        }
        return d;
    }

    static String fingerprint(List<Path> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path p : files) {
                md.update(p.toString().getBytes(StandardCharsets.UTF_8));
                try {
                    md.update(Files.readAllBytes(p));
                } catch (IOException e) {
                    md.update((byte) 0);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }

    private static byte[] read(Path p, String what) throws WebConfigException {
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new WebConfigException(what + " " + p + " does not exist");
        } catch (IOException e) {
            throw new WebConfigException("cannot read " + what + " " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * The line of {@code key:} at or before {@code notAfter}: Jackson's YAML location for an unknown
     * key points past its value, so the key's own line is looked up in the text.
     */
    static int lineOfKey(String text, String key, int notAfter) {
        Pattern p = Pattern.compile("^\\s*(?:-\\s+)?[\"']?" + Pattern.quote(key) + "[\"']?\\s*:");
        List<String> lines = text.lines().toList();
        int found = -1;
        for (int i = 0; i < lines.size() && i < notAfter; i++) {
            if (p.matcher(lines.get(i)).find()) {
                found = i + 1;
            }
        }
        return found;
    }

    private static String where(Path file, JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return file + ": ";
        }
        return file + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
    }

    /** The innermost cause's message without Jackson's source excerpt (which could echo a secret). */
    private static String rootMessage(JsonProcessingException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
        return msg == null ? e.getOriginalMessage() : msg;
    }
}
