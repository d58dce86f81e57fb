package io.citus.warp.preflight;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Types that stop Debezium before anything streams, built-in types the sink would refuse, and domain resolution. */
@Tag("unit")
class SourceTypesTest {
    @Test
    void aDomainOverAnEnumAndAnEnumWithoutLabelsBlockNamingTheWayOut() {
        assertEquals(Finding.Level.OK, SourceTypes.enumsWithoutLabels(List.of()).level());
        Finding f = SourceTypes.enumsWithoutLabels(List.<String[]>of(new String[] {"app.mood_d", "d"}, new String[] {"nothing", "e"}));
        assertEquals(Finding.Level.BLOCKER, f.level());
        assertTrue(f.detail().contains("a domain over an enum (app.mood_d)"), f.detail());
        assertTrue(f.detail().contains("an enum without labels (nothing)"), f.detail());
        assertTrue(f.detail().contains("DROP DOMAIN"), f.detail());
        assertTrue(f.detail().contains("ADD VALUE"), f.detail());
    }

    @ParameterizedTest(name = "type {0}, {1} dimension(s): {2}")
    @CsvSource({
            "1562, 0, VARYING_BITS",
            "1563, 1, VARYING_BITS",
            "791, 1, DROPPED_ARRAYS",
            "1187, 1, DROPPED_ARRAYS",
            "143, 1, DROPPED_ARRAYS",
            "1017, 1, DROPPED_ARRAYS",
            "1003, 1, DROPPED_ARRAYS",
            "1007, 2, MULTI_DIMENSIONAL",
            "1266, 0, TIME_WITH_ZONE",
            "142, 0, XML",
            "1007, 1, ",
            "23, 0, ",
            "1184, 0, ",
    })
    void builtInTypesTheSinkWouldRefuseAreKnownByTheirType(long root, int dimensions, SourceTypes.Refusal expected) {
        assertEquals(expected, SourceTypes.Refusal.of(root, dimensions));
    }

    @Test
    void aRefusalNamesEveryColumnAndTheWayOut() {
        Finding f = SourceTypes.Refusal.DROPPED_ARRAYS.finding(List.of("public.t.a (interval[])", "public.u.b (money[])"));
        assertEquals(Finding.Level.BLOCKER, f.level());
        assertEquals("arrays without a converter", f.check());
        assertTrue(f.detail().startsWith("public.t.a (interval[]), public.u.b (money[]): Debezium has no converter"), f.detail());
        assertEquals(Finding.Level.WARN, SourceTypes.Refusal.TIME_WITH_ZONE.finding(List.of("public.t.t (time with time zone)")).level());
    }

    @Test
    void aColumnStoresTheTypeUnderAllItsDomains() {
        Map<Long, Long> bases = Map.of(20001L, 20000L, 20000L, 16390L);
        assertEquals(16390L, SourceTypes.root(20001L, bases));
        assertEquals(23L, SourceTypes.root(23L, bases));
    }
}
