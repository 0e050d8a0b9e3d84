package io.aiwatch.source.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiskstatsParserTest {
    private final ParseErrors errors = new ParseErrors();

    @Test
    void readsAllThreeKernelFormats() {
        List<DiskStats> d = DiskstatsParser.parse("""
                   8       0 sda 1 2 3 4 5 6 7 8 9 10 11
                   8      16 sdb 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
                 259       0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17
                """, errors);
        assertThat(d)
                .extracting(DiskStats::device, DiskStats::fieldCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("sda", 14),
                        org.assertj.core.groups.Tuple.tuple("sdb", 18),
                        org.assertj.core.groups.Tuple.tuple("nvme0n1", 20));
        DiskStats nvme = d.get(2);
        assertThat(List.of(
                        nvme.readsCompleted(),
                        nvme.readsMerged(),
                        nvme.sectorsRead(),
                        nvme.readTimeMs(),
                        nvme.writesCompleted(),
                        nvme.writesMerged(),
                        nvme.sectorsWritten(),
                        nvme.writeTimeMs(),
                        nvme.ioInProgress(),
                        nvme.ioTimeMs(),
                        nvme.weightedIoTimeMs(),
                        nvme.discardsCompleted(),
                        nvme.discardsMerged(),
                        nvme.sectorsDiscarded(),
                        nvme.discardTimeMs(),
                        nvme.flushesCompleted(),
                        nvme.flushTimeMs()))
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L);
        assertThat(d.get(0).hasDiscards()).isFalse();
        assertThat(d.get(1).hasDiscards()).isTrue();
        assertThat(d.get(1).hasFlushes()).isFalse();
        assertThat(d.get(1).discardTimeMs()).isEqualTo(15);
        assertThat(errors.count("diskstats")).isZero();
    }

    @Test
    void skipsAndCountsMalformedAndTruncatedLinesButKeepsTheRest() {
        List<DiskStats> d = DiskstatsParser.parse("""
                   8       0 sda 1 2 3 4 5 6 7
                   8      16 sdb 1 2 3 x 5 6 7 8 9 10 11
                   8      32 sdc 1 2 3 4 5 6 7 8 9 10 11 12 13
                 garbage
                   8      48 sdd 1 2 3 4 5 6 7 8 9 10 11
                """, errors);
        assertThat(d).extracting(DiskStats::device).containsExactly("sdd");
        assertThat(errors.count("diskstats")).isEqualTo(4);
        assertThat(errors.family().samples())
                .singleElement()
                .satisfies(s -> assertThat(s.labels().get("file")).isEqualTo("diskstats"));
    }

    @Test
    void usesTheFirstTwentyFieldsOfAFutureLongerLine() {
        List<DiskStats> d =
                DiskstatsParser.parse("259 0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n", errors);
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.fieldCount()).isEqualTo(20);
            assertThat(x.flushTimeMs()).isEqualTo(17);
        });
        assertThat(errors.count("diskstats")).isZero();
    }

    @Test
    void keepsUnsignedCountersAboveTwoToTheSixtyThree() {
        List<DiskStats> d = DiskstatsParser.parse("8 0 sda 18446744073709551615 0 0 0 0 0 0 0 0 0 0\n", errors);
        assertThat(DiskCollector.unsigned(d.get(0).readsCompleted())).isEqualTo(1.8446744073709552E19);
    }

    @Test
    void emptyInputGivesNoDisksAndNoErrors() {
        assertThat(DiskstatsParser.parse("", errors)).isEmpty();
        assertThat(errors.count("diskstats")).isZero();
    }
}
