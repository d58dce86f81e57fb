package io.citus.warp.connect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connector configs shipped in {@code connectors/config/}: the JSON a user PUTs to
 * {@code /connectors/{name}/config}. Hosts, names and table lists are {@code {{placeholders}}};
 * secrets are Connect config-provider references ({@code ${file:...}}) that the worker resolves.
 * warp and the tests fill in the placeholders and change nothing else.
 */
public final class ConnectorTemplates {
    public static final String SOURCE_POSTGRES = "source-postgres.json";
    public static final String SINK_CITUS = "sink-citus.json";
    /**
     * Warp's base copy as a Connect source connector: with the source ({@code snapshot.mode=no_data}) and the sink
     * ({@code base.copy.slot}) as shipped, these three configs deployed by REST load the existing rows and stream.
     */
    public static final String BASE_COPY = "base-copy.json";
    /**
     * What turns the shipped pair to Debezium's snapshot instead of the base copy: the source snapshots the tables
     * itself, and the sink waits for no base copy. (No base-copy connector is deployed then.)
     */
    public static final Map<String, String> DEBEZIUM_SNAPSHOT_SOURCE = Map.of("snapshot.mode", "initial");
    public static final Map<String, String> DEBEZIUM_SNAPSHOT_SINK = Map.of(io.citus.warp.common.SinkConfigKeys.BASE_COPY_SLOT, "");
    /** The same pair with Avro through a schema registry ({@code {{schema.registry.url}}}): docs/wire-format.md. */
    public static final String SOURCE_POSTGRES_AVRO = "source-postgres-avro.json";
    public static final String SINK_CITUS_AVRO = "sink-citus-avro.json";

    /**
     * How records travel between the source and the sink: each format is a pair of shipped configs that differ only in
     * their converter settings (and, for Avro, Debezium's schema-name adjustment), checked by ConnectorTemplatesTest.
     */
    public enum WireFormat {
        /** ExactJsonConverter, each record carrying its schema; the default, needs nothing but Kafka. */
        JSON(SOURCE_POSTGRES, SINK_CITUS),
        /** Apicurio's AvroConverter: records carry a schema id, the schemas live in a registry the worker reaches. */
        AVRO(SOURCE_POSTGRES_AVRO, SINK_CITUS_AVRO);

        private final String source;
        private final String sink;

        WireFormat(String source, String sink) {
            this.source = source;
            this.sink = sink;
        }

        public String sourceTemplate() {
            return source;
        }

        public String sinkTemplate() {
            return sink;
        }

        /** Whether its configs need {@code schema.registry.url}. */
        public boolean needsRegistry() {
            return this == AVRO;
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z0-9._-]+)}}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConnectorTemplates() {
    }

    /** The template as shipped, placeholders included. */
    public static Map<String, String> raw(String template) {
        try (InputStream in = ConnectorTemplates.class.getResourceAsStream("/connectors/" + template)) {
            if (in == null) {
                throw new IllegalArgumentException("no connector config template named " + template);
            }
            return JSON.readValue(in, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("could not read connector config template " + template, e);
        }
    }

    /** The names of the {@code {{placeholders}}} the template holds. */
    public static Set<String> placeholders(String template) {
        Set<String> names = new TreeSet<>();
        for (String value : raw(template).values()) {
            Matcher m = PLACEHOLDER.matcher(value);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /**
     * The template with every {@code {{placeholder}}} replaced from {@code values}.
     *
     * @throws IllegalArgumentException naming the placeholders that have no value
     */
    public static Map<String, String> render(String template, Map<String, String> values) {
        Map<String, String> rendered = new LinkedHashMap<>();
        StringBuilder missing = new StringBuilder();
        raw(template).forEach((key, value) -> {
            Matcher m = PLACEHOLDER.matcher(value);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String replacement = values.get(m.group(1));
                if (replacement == null) {
                    if (missing.indexOf(m.group(1)) < 0) {
                        missing.append(missing.length() == 0 ? "" : ", ").append(m.group(1));
                    }
                    replacement = m.group();
                }
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            rendered.put(key, out.toString());
        });
        if (missing.length() > 0) {
            throw new IllegalArgumentException("connector config " + template + " needs values for: " + missing);
        }
        return rendered;
    }
}
