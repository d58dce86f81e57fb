package io.citus.warp.common;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages as PgJDBC renders PostgreSQL's errors (primary, Detail, Where), each with a value that must not survive. */
@Tag("unit")
class ValueRedactionTest {
    private static final String SECRET = "s3cret-value";

    /** A message, and the names it must keep (they say what to fix). */
    private record Case(String message, List<String> kept) {
    }

    private static final List<Case> CASES = List.of(
            new Case("ERROR: duplicate key value violates unique constraint \"users_email_key\"\n  Detail: Key (email)=(" + SECRET
                    + "@example.com) already exists.\n  Where: COPY users, line 3", List.of("users_email_key", "COPY users, line 3")),
            new Case("ERROR: duplicate key value: Key (email, tenant)=(" + SECRET + ", 4) already exists.", List.of("Key (email, tenant)=")),
            new Case("ERROR: insert or update on table \"orders\" violates foreign key constraint \"orders_customer_id_fkey\"\n"
                    + "  Detail: Key (customer_id)=(" + SECRET + ") is not present in table \"customers\".",
                    List.of("orders_customer_id_fkey")),
            new Case("ERROR: update or delete on table \"c\" violates foreign key constraint \"f\" on table \"o\" Key (id)=("
                    + SECRET + ") is still referenced from table \"o\".", List.of("\"f\"")),
            new Case("ERROR: new row for relation \"t\" violates check constraint \"t_n_check\"\n  Detail: Failing row contains (7, "
                    + SECRET + ", 2024-01-01).\n  Where: COPY t, line 1: \"7\t" + SECRET + "\t2024-01-01\"", List.of("t_n_check", "COPY t, line 1")),
            new Case("Failing row contains (1, hidden (nested) " + SECRET + ").", List.of()),
            new Case("ERROR: no partition of relation \"events_102056\" found for row\n  Detail: Partition key of the failing row"
                    + " contains (at) = (" + SECRET + ").\n  Where: COPY events, line 1", List.of("events_102056")),
            new Case("ERROR: no partition of relation \"events\" found for row Partition key of the failing row contains (at, k) = ("
                    + SECRET + ", 2).", List.of("events")),
            new Case("ERROR: invalid input syntax for type integer: \"" + SECRET + "\"\n  Where: COPY t, line 2, column n: \"" + SECRET + "\"",
                    List.of("COPY t, line 2, column n")),
            new Case("ERROR: value too long for type character varying(3)\n  Where: COPY t, line 5, column v: \"" + SECRET + "\"",
                    List.of("character varying(3)", "column v")),
            new Case("ERROR: invalid input value for enum mood: \"" + SECRET + "\"", List.of("enum mood")),
            new Case("ERROR: value \"" + SECRET + "\" is out of range for type integer", List.of("out of range")),
            new Case("ERROR: malformed array literal: \"" + SECRET + "\"", List.of("malformed array literal")),
            new Case("Batch entry 0 INSERT INTO \"public\".\"u\" (\"id\",\"v\") VALUES (('5'::int4),('" + SECRET
                    + "'::text)) was aborted: ERROR: duplicate key", List.of("Batch entry 0 was aborted")));

    @Test
    void noValueSurvivesAndNamesStay() {
        for (Case c : CASES) {
            String redacted = ValueRedaction.redact(c.message());
            assertFalse(redacted.contains(SECRET), "value left in: " + redacted);
            for (String kept : c.kept()) {
                assertTrue(redacted.contains(kept), "name lost (" + kept + "): " + redacted);
            }
        }
    }

    @Test
    void aStandInCauseKeepsTheStateAndDropsTheChain() {
        java.sql.SQLException original = new java.sql.SQLException("ERROR: x  Detail: Key (k)=(" + SECRET + ") already exists.", "23505");
        original.setNextException(new java.sql.SQLException(SECRET));
        java.sql.SQLException stand = ValueRedaction.redacted(original);
        assertEquals("23505", stand.getSQLState());
        assertFalse(stand.getMessage().contains(SECRET), stand.getMessage());
        assertEquals(null, stand.getNextException());
        assertEquals(null, ValueRedaction.redact(null));
    }
}
