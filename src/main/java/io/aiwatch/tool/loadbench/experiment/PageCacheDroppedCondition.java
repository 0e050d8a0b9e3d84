package io.aiwatch.tool.loadbench.experiment;

import io.aiwatch.tool.experiment.Condition;
import io.aiwatch.tool.experiment.ConditionContext;
import io.aiwatch.tool.experiment.ConditionType;
import io.aiwatch.tool.experiment.ParameterException;
import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.loadbench.PageCache;
import io.aiwatch.tool.loadbench.bench.BenchPlan;
import io.aiwatch.tool.loadbench.bench.TierFile;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * {@code kind: page_cache_dropped}: the file the next storage step reads is out of the page cache.
 * It acts: empties the file's cache ({@code posix_fadvise(DONTNEED)}, or {@code drop_caches} with
 * {@code drop: drop_caches}), then checks with {@code mincore} that at most
 * {@code max_resident_ratio} of it is still resident. The file is the step's {@code file}
 * parameter, or the synthetic file of its {@code dir}/{@code tier}/{@code size}/{@code seed} (made
 * now if it does not exist yet). Steps whose {@code cache} parameter is {@code warm} pass as they
 * are. On tmpfs it never holds: the iteration fails with the resident share as its reason.
 */
public final class PageCacheDroppedCondition implements ConditionType {
    @Override
    public String kind() {
        return "page_cache_dropped";
    }

    @Override
    public String description() {
        return "the step's file is out of the page cache (dropped by fadvise or drop_caches, checked with mincore)";
    }

    @Override
    public Condition create(Parameters p) {
        p.requireOnly(Set.of("drop", "max_resident_ratio"), "condition page_cache_dropped");
        PageCache.DropMethod drop = switch (p.text("drop", "fadvise")) {
            case "fadvise" -> PageCache.DropMethod.FADVISE;
            case "drop_caches" -> PageCache.DropMethod.DROP_CACHES;
            default -> throw new ParameterException("drop", "fadvise or drop_caches");
        };
        double max = p.number("max_resident_ratio", 0.01);
        if (!(max >= 0 && max < 1)) {
            throw new ParameterException("max_resident_ratio", "0 <= ratio < 1");
        }
        return new Condition() {
            @Override
            public String describe() {
                return String.format(
                        Locale.ROOT,
                        "the step's file dropped from the page cache (%s), at most %.0f %% resident",
                        drop.name().toLowerCase(Locale.ROOT),
                        100 * max);
            }

            @Override
            public Condition.Check check(ConditionContext ctx) throws Exception {
                Parameters step = ctx.stepParameters();
                if (step.text("cache", "cold").equals(BenchPlan.Cache.WARM.label())) {
                    return new Condition.Check(true, "warm step: cache left as it is");
                }
                Path file;
                if (step.has("file")) {
                    file = Path.of(step.requireText("file"));
                } else {
                    StorageParameters sp = step.has("iodepth") || step.has("ops")
                            ? StorageParameters.random(step)
                            : StorageParameters.load(step);
                    try {
                        file = TierPool.get(sp.dir(), sp.tier(), sp.size(), sp.seed(), s -> {})
                                .file();
                    } catch (TierFile.Unavailable e) {
                        // The workload fails with the same reason; nothing here to drop.
                        return new Condition.Check(true, "no file: " + e.getMessage());
                    }
                }
                PageCache.Drop d = new PageCache().drop(file, drop);
                return new Condition.Check(
                        d.residentRatio() <= max,
                        String.format(
                                Locale.ROOT,
                                "%s: %.1f %% of %d bytes resident after %s",
                                file.getFileName(),
                                100 * d.residentRatio(),
                                d.fileBytes(),
                                drop.name().toLowerCase(Locale.ROOT)));
            }
        };
    }
}
