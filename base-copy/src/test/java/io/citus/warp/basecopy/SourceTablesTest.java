package io.citus.warp.basecopy;

import io.citus.warp.common.TableName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The base-copy connector copies exactly the tables Debezium's table.include.list captures: the same splitting (a comma
 * escaped as {@code \,} stays in its entry), whole-name matching and case-insensitivity, and warp start's
 * {@code (?-i)} + {@code \x{hex}} entries match their one table, whatever the name holds.
 */
@Tag("unit")
class SourceTablesTest {
    @ParameterizedTest(name = "{0} matches {1}.{2}: {3}")
    @CsvSource(delimiter = '|', value = {
            // Debezium's own semantics: whole name, case-insensitive, regular expressions
            "public.orders | public | orders | true",
            "public.orders | public | orders_2024 | false",
            "public.orders | x | public.orders | false",
            "PUBLIC.ORDERS | public | orders | true",
            "public\\.ord.* | public | orders_2024 | true",
            "public\\.ord.* | publicxord | ers | false",
            "sales\\..*,public\\.orders | sales | anything | true",
            "sales\\..*, public\\.orders | public | orders | true",
            // an escaped comma stays inside its entry
            "public\\.a\\,b | public | a,b | true",
            "public\\.a\\,b | public | a | false",
            // warp start's entries: case-sensitive, every special character as \\x{hex}
            "(?-i)public\\.Orders | public | orders | false",
            "(?-i)public\\.Orders | public | Orders | true",
            "(?-i)public\\.audit\\x{24}log | public | audit$log | true",
            "(?-i)public\\.audit\\x{24}log | public | auditlog | false",
            "(?-i)sm\\x{20}names\\x{2e}\\x{24}\\x{28}1\\x{29}\\.t | sm names.$(1) | t | true",
            "(?-i)a\\x{2c}b\\.c | a,b | c | true",
    })
    void matchesAsDebeziumDoes(String includeList, String schema, String table, boolean captured) {
        assertEquals(captured, SourceTables.matches(SourceTables.patterns(includeList), new TableName(schema, table)));
    }

    @ParameterizedTest(name = "{0} has {1} entries")
    @CsvSource(delimiter = '|', value = {
            "public.a | 1",
            "public.a,public.b | 2",
            " public.a , public.b , | 2",
            "public\\.a\\,b,public.c | 2",
            "'' | 0",
    })
    void splitsAsDebeziumDoes(String includeList, int entries) {
        assertEquals(entries, SourceTables.patterns(includeList).size());
    }
}
