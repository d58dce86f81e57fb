package io.citus.warp.db;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A PostgreSQL server and database, given as {@code jdbc:postgresql://host:port/db?user=..&password=..}
 * or as a libpq URL {@code postgres://user:password@host:port/db}. The password may also come from
 * {@code PGPASSWORD}; the user defaults to {@code PGUSER} or {@code postgres}.
 */
public record PgEndpoint(String host, int port, String database, String user, String password,
                         Map<String, String> parameters) {

    public static PgEndpoint parse(String url) {
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
        URI uri = URI.create(u);
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
        if (password == null) {
            password = System.getenv().getOrDefault("PGPASSWORD", "");
        }
        String database = path.isEmpty() ? user : decode(path);
        // In the URL's order: the connector configs rendered from it must be the same on every run (an idempotent PUT).
        return new PgEndpoint(host, port, database, user, password, java.util.Collections.unmodifiableMap(params));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL with any password removed, for messages. */
    public static String redact(String url) {
        return url == null ? null : url.replaceAll("(://[^:/@]+):[^@]*@", "$1:***@").replaceAll("password=[^&]*", "password=***");
    }

    public String jdbcUrl() {
        StringBuilder s = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port).append('/')
                .append(database);
        String sep = "?";
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            s.append(sep).append(encodeParameter(p.getKey())).append('=').append(encodeParameter(p.getValue()));
            sep = "&";
        }
        return s.toString();
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

    public PgEndpoint withDatabase(String db) {
        return new PgEndpoint(host, port, db, user, password, parameters);
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
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
