package io.citus.warp.db;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Database URLs in JDBC and libpq form, and their redaction for messages. */
@Tag("unit")
class PgEndpointTest {

    @Test
    void databaseUrlsInBothFormsAndRedaction() {
        PgEndpoint jdbc = PgEndpoint.parse("jdbc:postgresql://db.example:6432/app?user=warp&password=s%40cret&sslmode=require");
        assertEquals("db.example", jdbc.host());
        assertEquals(6432, jdbc.port());
        assertEquals("app", jdbc.database());
        assertEquals("warp", jdbc.user());
        assertEquals("s@cret", jdbc.password());
        assertEquals("jdbc:postgresql://db.example:6432/app?sslmode=require", jdbc.jdbcUrl(), "no credentials in the JDBC URL");
        PgEndpoint libpq = PgEndpoint.parse("postgres://alice:pw@10.0.0.5/shop");
        assertEquals(5432, libpq.port());
        assertEquals("alice", libpq.user());
        assertEquals("pw", libpq.password());
        assertEquals("postgres://alice:***@h/db", PgEndpoint.redact("postgres://alice:pw@h/db"));
    }
}
