package io.citus.warp.connect;

import io.citus.warp.common.ConnectorPlaceholders;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The shipped templates hold exactly the placeholders that warp start, bench and the tests fill in. */
@Tag("unit")
class ConnectorTemplatesTest {

    @Test
    void theTemplatesPlaceholdersAreTheOnesTheCodecFills() {
        Set<String> used = new TreeSet<>(ConnectorTemplates.placeholders(ConnectorTemplates.SOURCE_POSTGRES));
        used.addAll(ConnectorTemplates.placeholders(ConnectorTemplates.SINK_CITUS));
        used.addAll(ConnectorTemplates.placeholders(ConnectorTemplates.BASE_COPY));
        assertEquals(new TreeSet<>(ConnectorPlaceholders.NAMES), used);
    }

    @Test
    void renderedTemplatesHoldNoPlaceholderAndASinkUrlThatPgJdbcReads() {
        ConnectorPlaceholders p = new ConnectorPlaceholders(new ConnectorPlaceholders.Database("src", 5433, "u", "app"),
                new ConnectorPlaceholders.Database("coord", 5432, "w", "app", Map.of("sslmode", "require", "tcpKeepAlive", "true")),
                "/s.properties", "warp-x", "warp_x", "warp_x", "public\\.t");
        for (String template : new String[] {ConnectorTemplates.SOURCE_POSTGRES, ConnectorTemplates.SINK_CITUS, ConnectorTemplates.BASE_COPY}) {
            Map<String, String> config = ConnectorTemplates.render(template, p.values());
            assertFalse(config.values().stream().anyMatch(v -> v.contains("{{")), config.toString());
        }
        String url = ConnectorTemplates.render(ConnectorTemplates.SINK_CITUS, p.values()).get("connection.url");
        assertEquals("jdbc:postgresql://coord:5432/app?sslmode=require&tcpKeepAlive=true", p.sinkConnectionUrl(url));
    }

    /**
     * The three files as shipped are the base copy inside Connect: the source streams without a snapshot of its own, the
     * sink waits for the copy recorded under the source's slot, and the copy names that slot and the source's tables.
     * Debezium's snapshot instead is exactly the two overrides connectors/README.md names.
     */
    @Test
    void theShippedFilesLoadByTheBaseCopyAndTwoOverridesTurnThemToDebeziumsSnapshot() {
        Map<String, String> source = ConnectorTemplates.raw(ConnectorTemplates.SOURCE_POSTGRES);
        Map<String, String> sink = ConnectorTemplates.raw(ConnectorTemplates.SINK_CITUS);
        Map<String, String> copy = ConnectorTemplates.raw(ConnectorTemplates.BASE_COPY);
        assertEquals("no_data", source.get("snapshot.mode"));
        assertEquals(source.get("slot.name"), sink.get("base.copy.slot"));
        assertEquals(source.get("slot.name"), copy.get("slot.name"));
        assertEquals("{{tables}}", copy.get("table.include.list"));
        assertEquals(sink.get("connection.url"), copy.get("connection.url"));
        assertEquals(sink.get("connection.password"), copy.get("connection.password"));
        assertEquals(Map.of("snapshot.mode", "initial"), ConnectorTemplates.DEBEZIUM_SNAPSHOT_SOURCE);
        assertEquals(Map.of("base.copy.slot", ""), ConnectorTemplates.DEBEZIUM_SNAPSHOT_SINK);
    }
}
