package io.aiwatch.reader.http.security;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * HTTP basic authentication against bcrypt hashes ({@code $2a$}, {@code $2b$}, {@code $2y$}), with
 * exporter-toolkit's defences: an unknown user is still checked against a dummy hash so timing does
 * not reveal which names exist; bcrypt runs one at a time so a flood of bad passwords costs one core,
 * not all; a successful check is remembered for {@code cacheTtl} so a Prometheus scraping every 15 s
 * does not pay ~70 ms of bcrypt per scrape. The cache key is a SHA-256 of user, hash and password,
 * never the password itself; a changed hash (reload) misses the cache. Nothing here is logged.
 */
public final class BasicAuth {
    /** Checked for unknown users so they cost as much as known ones; of a random password nobody knows. */
    private static final String DUMMY_HASH = BCrypt.withDefaults()
            .hashToString(10, java.util.UUID.randomUUID().toString().toCharArray());

    private static final int MAX_CACHE = 1024;
    private static final int MAX_HEADER = 4096;

    private final Map<String, String> users;
    private final LongSupplier nanoTime;
    private final long ttlNanos;
    private final Map<String, Long> verified = new ConcurrentHashMap<>();
    private final Object bcryptLock = new Object();
    private final java.util.concurrent.atomic.AtomicLong bcryptRuns = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param users    user name to bcrypt hash, already validated by {@link WebConfigLoader}
     * @param nanoTime monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass their own)
     * @param cacheTtl how long a successful check is trusted without bcrypt
     */
    public BasicAuth(Map<String, String> users, LongSupplier nanoTime, Duration cacheTtl) {
        this.users = Map.copyOf(users);
        this.nanoTime = nanoTime;
        this.ttlNanos = cacheTtl.toNanos();
    }

    /** False when no users are configured: then every request is let through. */
    public boolean enabled() {
        return !users.isEmpty();
    }

    /** True when {@code authorization} is a Basic header with a configured user and its password. */
    public boolean check(String authorization) {
        if (!enabled()) {
            return true;
        }
        Credentials c = parse(authorization);
        if (c == null) {
            return false;
        }
        String hash = users.get(c.user);
        boolean known = hash != null;
        String effectiveHash = known ? hash : DUMMY_HASH;
        String key = cacheKey(c.user, effectiveHash, c.password);
        long now = nanoTime.getAsLong();
        Long until = verified.get(key);
        if (known && until != null && now - until < 0) {
            return true;
        }
        boolean ok = bcrypt(c.password, effectiveHash) && known;
        if (ok) {
            if (verified.size() >= MAX_CACHE) {
                verified.clear();
            }
            verified.put(key, now + ttlNanos);
        }
        return ok;
    }

    private boolean bcrypt(String password, String hash) {
        synchronized (bcryptLock) {
            bcryptRuns.incrementAndGet();
            try {
                return BCrypt.verifyer()
                        .verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.US_ASCII))
                        .verified;
            } catch (RuntimeException e) { // over-long password or a hash the library refuses: not authenticated
                return false;
            }
        }
    }

    /** How many bcrypt comparisons ran (the expensive part); for tests and diagnostics. */
    long bcryptRuns() {
        return bcryptRuns.get();
    }

    private record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + "]";
        }
    }

    private static Credentials parse(String header) {
        if (header == null || header.length() > MAX_HEADER || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String s = new String(raw, StandardCharsets.UTF_8);
        int colon = s.indexOf(':');
        return colon < 0 ? null : new Credentials(s.substring(0, colon), s.substring(colon + 1));
    }

    private static String cacheKey(String user, String hash, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(user.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(hash.getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            md.update(password.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }
}
