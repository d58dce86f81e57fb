package io.citus.warp.common;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What warp start writes into replica.identity.index, the sink reads back as it was. */
@Tag("unit")
class ReplicaIdentityIndexesTest {

    /** schema, table, columns (| separated): every name a catalog may hold, separators and quotes included. */
    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("public", "ri_index", "tenant_id|code"),
                Arguments.of("sales", "Orders", "Tenant Id"),
                Arguments.of("my.schema", "t", "a"),
                Arguments.of("s", "a.b", "c"),
                Arguments.of("s", "with:colon", "col:on|plus+sign"),
                Arguments.of("s", "quote\"d", "\"q\"|x\"\"y"),
                Arguments.of(" padded ", "t ", " c"),
                Arguments.of("ünï", "tab\tle", "ç"));
    }

    @ParameterizedTest(name = "{0}.{1}:{2}")
    @MethodSource("names")
    void everyNameComesBackAsItWas(String schema, String table, String columns) {
        TableName name = new TableName(schema, table);
        List<String> cols = Arrays.asList(columns.split("\\|"));
        Map<TableName, List<String>> written = new LinkedHashMap<>();
        written.put(name, cols);
        written.put(new TableName("public", "other"), List.of("id"));
        String setting = ReplicaIdentityIndexes.format(written);
        // Connect's list type splits at commas (ConfigDef.parseType: "\\s*,\\s*").
        List<String> entries = Arrays.asList(setting.trim().split("\\s*,\\s*", -1));
        assertEquals(written, ReplicaIdentityIndexes.parse(entries), setting);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            public.ri_index:tenant_id+code   | public   | ri_index | tenant_id,code
            ri_index:tenant_id               | public   | ri_index | tenant_id
            "My Schema".orders:id+"Code"     | My Schema| orders   | id,Code
            s.a:b:c                          | s        | a:b      | c
            s.t: a + b                       | s        | t        | a,b
            """)
    void readsWhatAPersonWrites(String entry, String schema, String table, String columns) {
        assertEquals(Map.of(new TableName(schema, table), List.of(columns.split(","))),
                ReplicaIdentityIndexes.parse(List.of(entry)));
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            'public.t'
            'public.t:'
            ':a'
            'public.t:a++b'
            """)
    void refusesWhatIsNotSchemaTableColonColumns(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplicaIdentityIndexes.parse(List.of(entry)));
        assertTrue(e.getMessage().contains("schema.table:col1+col2"), e.getMessage());
    }

    @Test
    void aCommaCannotBeCarriedAndSaysSo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplicaIdentityIndexes.entry(new TableName("s", "t"), List.of("a,b")));
        assertTrue(e.getMessage().contains("s.t") && e.getMessage().contains("comma"), e.getMessage());
    }

    @Test
    void nothingToWriteIsAnEmptySetting() {
        assertEquals("", ReplicaIdentityIndexes.format(Map.of()));
        assertEquals(Map.of(), ReplicaIdentityIndexes.parse(List.of()));
        assertEquals(Map.of(), ReplicaIdentityIndexes.parse(List.of("")));
    }
}
