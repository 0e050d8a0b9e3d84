package io.aiwatch.tool.vllmsim;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * The KV-cache blocks of one engine, with vLLM v1's automatic prefix caching when enabled: a full
 * block of prompt tokens is identified by the hash of its tokens chained with the previous
 * block's hash; once computed it stays cached after its requests finish, while it is free, until
 * the space is needed (least recently freed first). A new request that starts with cached blocks
 * reuses them and computes only the rest. Without prefix caching every block is private.
 *
 * <p>Free blocks = never-cached free blocks + cached blocks no request holds (evictable); usage,
 * as vLLM reports it, is 1 − free / total. Not thread-safe (the engine thread owns it).
 */
final class KvCache {
    private final int total;
    private final boolean prefixCaching;
    /** Free blocks that hold no cached prefix. */
    private int plainFree;
    /** hash → number of requests holding the cached block (0: evictable, still cached). */
    private final Map<Long, Integer> refs = new HashMap<>();
    /** Evictable cached blocks, least recently freed first. */
    private final LinkedHashSet<Long> evictable = new LinkedHashSet<>();

    KvCache(int totalBlocks, boolean prefixCaching) {
        this.total = totalBlocks;
        this.prefixCaching = prefixCaching;
        this.plainFree = totalBlocks;
    }

    int total() {
        return total;
    }

    int free() {
        return plainFree + evictable.size();
    }

    /** Cached blocks, held or evictable. */
    int cachedBlocks() {
        return refs.size();
    }

    /**
     * How many leading blocks of {@code hashes} are cached, at most {@code maxBlocks} (vLLM never
     * takes the last prompt token from the cache: one token must be computed to sample from).
     */
    int match(long[] hashes, int maxBlocks) {
        if (!prefixCaching || hashes == null) {
            return 0;
        }
        int n = 0;
        while (n < hashes.length && n < maxBlocks && refs.containsKey(hashes[n])) {
            n++;
        }
        return n;
    }

    /** Of the first {@code n} blocks of {@code hashes} (all cached), how many are evictable now. */
    int evictableAmong(long[] hashes, int n) {
        int e = 0;
        for (int i = 0; i < n; i++) {
            if (refs.getOrDefault(hashes[i], 0) == 0) {
                e++;
            }
        }
        return e;
    }

    /** Makes {@code r} hold the first {@code n} cached blocks of its prompt. */
    void acquireCached(SimRequest r, int n) {
        for (int i = 0; i < n; i++) {
            long h = r.blockHashes[i];
            int c = refs.get(h);
            if (c == 0) {
                evictable.remove(h);
            }
            refs.put(h, c + 1);
        }
        r.cachedHeld = n;
        r.registered = n;
        r.blocks += n;
    }

    /** Gives {@code r} {@code n} new private blocks, evicting the least recently freed cached ones if needed. */
    void allocate(SimRequest r, int n) {
        if (n <= 0) {
            return;
        }
        if (n > free()) {
            throw new IllegalStateException("allocating " + n + " KV blocks with " + free() + " free");
        }
        int fromPlain = Math.min(n, plainFree);
        plainFree -= fromPlain;
        for (int left = n - fromPlain; left > 0; left--) {
            Iterator<Long> it = evictable.iterator();
            long h = it.next();
            it.remove();
            refs.remove(h);
        }
        r.blocks += n;
    }

    /**
     * Caches {@code r}'s prompt blocks that its computed tokens now fill. A block whose hash is
     * cached already (another request computed the same prefix at the same time) stays private.
     */
    void registerFull(SimRequest r, int blockSize) {
        if (!prefixCaching || r.blockHashes == null) {
            return;
        }
        int full = Math.min(r.blockHashes.length, Math.min(r.computed, r.promptTokens) / blockSize);
        while (r.registered < full) {
            long h = r.blockHashes[r.registered];
            // only a prefix run of held blocks is tracked: stop caching at the first duplicate
            if (r.registered == r.cachedHeld && !refs.containsKey(h)) {
                refs.put(h, 1);
                r.cachedHeld++;
            }
            r.registered++;
        }
    }

    /** Frees everything {@code r} holds: private blocks at once, cached ones become evictable when unheld. */
    void release(SimRequest r) {
        int priv = r.blocks - r.cachedHeld;
        plainFree += priv;
        for (int i = r.cachedHeld - 1; i >= 0; i--) {
            long h = r.blockHashes[i];
            int c = refs.get(h) - 1;
            refs.put(h, c);
            if (c == 0) {
                evictable.add(h);
            }
        }
        r.blocks = 0;
        r.cachedHeld = 0;
        r.registered = 0;
    }
}
