package io.citus.warp.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.common.SinkConfigKeys;
import io.citus.warp.common.TableMapping;
import io.citus.warp.common.TableName;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.connect.ConnectRestException;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Where the migration's sink records its progress and how it names tables: read from the deployed sink's config when
 * Connect is reachable (a sink deployed by hand from connectors/config, without warp's {@code progress.stream}, records
 * under its connector name; its {@code table.mapping} names target tables differently from the source), else what
 * {@code warp start} renders: stream = the topic, the given progress schema, no mapping.
 */
public record ProgressLocation(String schema, String stream, TableMapping mapping, boolean fromDeployedSink) {

    public static ProgressLocation resolve(ConnectClient connect, MigrationNames names, String progressSchema) {
        if (connect != null) {
            try {
                Map<String, String> config = strings(connect.connectorConfig(names.sinkConnector()));
                return new ProgressLocation(SinkConfigKeys.progressSchema(config),
                        SinkConfigKeys.stream(config, names.sinkConnector()), TableMapping.of(config), true);
            } catch (ConnectRestException e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
        }
        return new ProgressLocation(progressSchema, names.stream(), TableMapping.identity(), false);
    }

    /** The source table of a target table name as the sink stores it in snapshot_progress. */
    public TableName sourceOf(String storedTargetName) {
        return mapping.source(TableName.ofStored(storedTargetName));
    }

    /** A connector config as Connect's REST API returns it, as strings. */
    public static Map<String, String> strings(JsonNode config) {
        Map<String, String> m = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }
}
