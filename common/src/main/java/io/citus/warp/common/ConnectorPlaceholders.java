package io.citus.warp.common;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code {{placeholders}}} of the shipped connector configs ({@code connectors/config/*.json}) and what fills them,
 * for {@code warp start}, bench and the tests alike. Each database is split into host, port, user, database and
 * sslmode for the templates; its URL's other parameters go where each connector takes them: Debezium's
 * {@code database.*} settings ({@link #sourceDatabaseSettings()}) and the rest of the sink's {@code connection.url}
 * ({@link #sinkConnectionUrl}). Secrets go by reference to the secrets file, never in clear.
 *
 * @param tables the source's {@code table.include.list} as rendered (regular expressions)
 */
public record ConnectorPlaceholders(Database source, Database target, String secretsFile, String topicPrefix, String slot,
                                    String publication, String tables) {

    /** Every placeholder the shipped templates may hold. */
    public static final Set<String> NAMES = Set.of("source.host", "source.port", "source.user", "source.database",
            "source.sslmode", "target.host", "target.port", "target.user", "target.database", "target.sslmode", "secrets.file",
            "topic.prefix", "slot.name", "publication.name", "tables");
    /** URL parameters that are secrets: written to the secrets file, referenced through Connect's file config provider. */
    public static final Set<String> SECRET_PARAMETERS = Set.of("sslpassword");
    /** PgJDBC's and Debezium's own default, when a URL names no sslmode. */
    public static final String DEFAULT_SSLMODE = "prefer";
    /** Debezium's own database.* settings, which a URL parameter of the same name must not replace. */
    private static final Set<String> DEBEZIUM_OWN = Set.of("hostname", "port", "user", "password", "dbname");

    /**
     * A database as the templates name it.
     *
     * @param parameters the URL's connection parameters (sslmode, sslrootcert, ...), in the URL's order
     */
    public record Database(String host, int port, String user, String database, Map<String, String> parameters) {
        /** A database reached without URL parameters (sslmode {@value #DEFAULT_SSLMODE}). */
        public Database(String host, int port, String user, String database) {
            this(host, port, user, database, Map.of());
        }

        public String sslMode() {
            return parameters.getOrDefault("sslmode", DEFAULT_SSLMODE);
        }

        private void putInto(String side, Map<String, String> values) {
            values.put(side + ".host", host);
            values.put(side + ".port", Integer.toString(port));
            values.put(side + ".user", user);
            values.put(side + ".database", database);
            values.put(side + ".sslmode", sslMode());
        }
    }

    /** The value of every placeholder in {@link #NAMES}. */
    public Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        source.putInto("source", v);
        target.putInto("target", v);
        v.put("secrets.file", secretsFile);
        v.put("topic.prefix", topicPrefix);
        v.put("slot.name", slot);
        v.put("publication.name", publication);
        v.put("tables", tables);
        return v;
    }

    /**
     * The source URL's parameters other than sslmode (in the template) as Debezium's {@code database.*} settings, which
     * it hands to PgJDBC: the connector connects as securely as warp itself does.
     */
    public Map<String, String> sourceDatabaseSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        source.parameters().forEach((key, value) -> {
            if (!key.equals("sslmode") && !DEBEZIUM_OWN.contains(key)) {
                settings.put("database." + key, SECRET_PARAMETERS.contains(key) ? secretRef("source." + key) : value);
            }
        });
        return settings;
    }

    /** The sink's {@code connection.url} as the template renders it, with the target URL's other parameters added. */
    public String sinkConnectionUrl(String rendered) {
        return connectionUrl(rendered, target, "target.");
    }

    /** As {@link #sinkConnectionUrl}, for the base-copy connector's source URL ({@code source.url}). */
    public String sourceConnectionUrl(String rendered) {
        return connectionUrl(rendered, source, "source.");
    }

    private String connectionUrl(String rendered, Database db, String secretPrefix) {
        StringBuilder url = new StringBuilder(rendered);
        db.parameters().forEach((key, value) -> {
            if (!key.equals("sslmode")) {
                url.append(url.indexOf("?") < 0 ? '?' : '&').append(encodeParameter(key)).append('=')
                        .append(SECRET_PARAMETERS.contains(key) ? secretRef(secretPrefix + key) : encodeParameter(value));
            }
        });
        return url.toString();
    }

    /** {@code ${file:<secrets file>:<key>}}: resolved by the Connect worker's file config provider. */
    public String secretRef(String key) {
        return "${file:" + secretsFile + ":" + key + "}";
    }

    /**
     * Percent-encodes what would end or change a URL parameter ({@code & = % # + ?} and spaces); PgJDBC decodes
     * parameter values, so a file path stays readable and arrives as written.
     */
    public static String encodeParameter(String value) {
        StringBuilder s = new StringBuilder(value.length());
        for (char ch : value.toCharArray()) {
            if ("&=%#+? ".indexOf(ch) >= 0) {
                s.append('%').append(String.format("%02X", (int) ch));
            } else {
                s.append(ch);
            }
        }
        return s.toString();
    }
}
