package io.citus.warp.db;

import io.citus.warp.common.ConnectorPlaceholders;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A PostgreSQL server and database, given as {@code jdbc:postgresql://host:port/db?user=..}
 * or as a libpq URL {@code postgres://user@host:port/db}. A password in the URL works but shows in {@code ps};
 * warp's commands take it from a file, an environment variable per side or a prompt instead (see MigrationSettings).
 * The user defaults to {@code PGUSER} or {@code postgres}.
 */
public record PgEndpoint(String host, int port, String database, String user, String password,
                         Map<String, String> parameters) {

    /** Parses the URL; a password not in it comes from {@code PGPASSWORD}, else is empty. */
    public static PgEndpoint parse(String url) {
        PgEndpoint e = parseUrl(url);
        return e.password() != null ? e : e.withPassword(System.getenv().getOrDefault("PGPASSWORD", ""));
    }

    /** Parses the URL; the password is null when the URL has none. Messages never quote a password. */
    public static PgEndpoint parseUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("empty database URL");
        }
        String u = url.trim();
        if (u.startsWith("jdbc:")) {
            u = u.substring("jdbc:".length());
        }
        if (!u.startsWith("postgresql://") && !u.startsWith("postgres://")) {
            throw new IllegalArgumentException("not a PostgreSQL URL (expected jdbc:postgresql://host:port/db or "
                    + "postgres://user@host:port/db): " + redact(url));
        }
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            // URISyntaxException's message quotes the whole input, password included: give only the reason and position.
            throw new IllegalArgumentException("malformed database URL " + redact(url) + ": " + e.getReason()
                    + (e.getIndex() >= 0 ? " at character " + e.getIndex() : ""));
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("no host in database URL " + redact(url));
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 5432;
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                params.put(k, v);
            }
        }
        String user = params.remove("user");
        String password = params.remove("password");
        if (uri.getRawUserInfo() != null) {
            String[] info = uri.getRawUserInfo().split(":", 2);
            user = decode(info[0]);
            if (info.length > 1) {
                password = decode(info[1]);
            }
        }
        if (user == null || user.isEmpty()) {
            user = System.getenv().getOrDefault("PGUSER", "postgres");
        }
        String database = path.isEmpty() ? user : decode(path);
        // In the URL's order: the connector configs rendered from it must be the same on every run (an idempotent PUT).
        return new PgEndpoint(host, port, database, user, password, java.util.Collections.unmodifiableMap(params));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * The URL with any password removed, for messages: everything between the user's ':' and the last '@' (a password
     * may contain '@'), and every {@code password=} parameter, even in a malformed URL.
     */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String r = url.replaceAll("(?i)(password=)[^&]*", "$1***");
        int scheme = r.indexOf("://");
        if (scheme >= 0) {
            int query = r.indexOf('?', scheme);
            int at = query < 0 ? r.lastIndexOf('@') : r.lastIndexOf('@', query);
            int colon = r.indexOf(':', scheme + 3);
            if (at > scheme && colon > scheme && colon < at) {
                r = r.substring(0, colon + 1) + "***" + r.substring(at);
            }
        }
        return r;
    }

    public String jdbcUrl() {
        StringBuilder s = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port).append('/')
                .append(database);
        String sep = "?";
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            s.append(sep).append(ConnectorPlaceholders.encodeParameter(p.getKey())).append('=')
                    .append(ConnectorPlaceholders.encodeParameter(p.getValue()));
            sep = "&";
        }
        return s.toString();
    }

    public PgEndpoint withPassword(String pw) {
        return new PgEndpoint(host, port, database, user, pw, parameters);
    }

    public PgEndpoint withDatabase(String db) {
        return new PgEndpoint(host, port, db, user, password, parameters);
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("ApplicationName", "warp");
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    /** host:port/database as user, without the password. */
    public String describe() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return describe();
    }
}
