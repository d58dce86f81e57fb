package io.citus.warp.common;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A database URL split into the templates' placeholders and put back together where each connector reads it. */
@Tag("unit")
class ConnectorPlaceholdersTest {

    private static ConnectorPlaceholders with(Map<String, String> sourceParameters, Map<String, String> targetParameters) {
        return new ConnectorPlaceholders(new ConnectorPlaceholders.Database("src", 5433, "u", "app", sourceParameters),
                new ConnectorPlaceholders.Database("coord", 5432, "w", "shop", targetParameters), "/etc/warp/s.properties",
                "warp-x", "warp_x", "pub_x", "public\\.t");
    }

    @Test
    void everyPlaceholderGetsAValue() {
        Map<String, String> values = with(Map.of(), Map.of("sslmode", "verify-full")).values();
        assertEquals(ConnectorPlaceholders.NAMES, values.keySet());
        assertEquals("prefer", values.get("source.sslmode"), "PgJDBC's default when the URL names none");
        assertEquals("verify-full", values.get("target.sslmode"));
        assertEquals("5432", values.get("target.port"));
        assertEquals("shop", values.get("target.database"));
    }

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource(delimiter = '|', textBlock = """
            jdbc:postgresql://coord:5432/shop?sslmode=prefer | tcpKeepAlive=true           | jdbc:postgresql://coord:5432/shop?sslmode=prefer&tcpKeepAlive=true
            jdbc:postgresql://coord:5432/shop                | tcpKeepAlive=true           | jdbc:postgresql://coord:5432/shop?tcpKeepAlive=true
            jdbc:postgresql://coord:5432/shop?sslmode=prefer | sslrootcert=/a b/c&d=e.crt  | jdbc:postgresql://coord:5432/shop?sslmode=prefer&sslrootcert=/a%20b/c%26d%3De.crt
            jdbc:postgresql://coord:5432/shop?sslmode=prefer | sslpassword=secret          | jdbc:postgresql://coord:5432/shop?sslmode=prefer&sslpassword=${file:/etc/warp/s.properties:target.sslpassword}
            jdbc:postgresql://coord:5432/shop?sslmode=prefer | sslmode=require             | jdbc:postgresql://coord:5432/shop?sslmode=prefer
            """)
    void theSinkUrlGetsTheTargetUrlsOtherParameters(String rendered, String parameter, String expected) {
        int eq = parameter.indexOf('=');
        Map<String, String> target = Map.of(parameter.substring(0, eq), parameter.substring(eq + 1));
        assertEquals(expected, with(Map.of(), target).sinkConnectionUrl(rendered));
    }

    @Test
    void debeziumGetsTheSourceUrlsParametersButNotItsOwnNorSecretsInClear() {
        Map<String, String> source = new LinkedHashMap<>();
        source.put("sslmode", "verify-full");
        source.put("sslrootcert", "/etc/warp certs/ca.crt");
        source.put("sslpassword", "keypw");
        source.put("dbname", "other");
        assertEquals(Map.of("database.sslrootcert", "/etc/warp certs/ca.crt",
                        "database.sslpassword", "${file:/etc/warp/s.properties:source.sslpassword}"),
                with(source, Map.of()).sourceDatabaseSettings());
    }
}
