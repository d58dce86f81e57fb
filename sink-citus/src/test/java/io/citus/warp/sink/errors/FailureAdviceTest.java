package io.citus.warp.sink.errors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failure texts keep names and SQLSTATEs but never the row values PostgreSQL and PgJDBC quote. */
@Tag("unit")
class FailureAdviceTest {
    @Test
    void serverDetailsAndBatchEntriesLoseTheirValues() {
        String unique = FailureAdvice.redact("ERROR: duplicate key value violates unique constraint \"users_email_key\"\n"
                + "  Detail: Key (email)=(alice@example.com) already exists.");
        assertFalse(unique.contains("alice"), unique);
        assertTrue(unique.contains("users_email_key"), unique);

        String check = FailureAdvice.redact("ERROR: new row for relation \"t\" violates check constraint \"t_n_check\"\n"
                + "  Detail: Failing row contains (7, secret-value, 2024-01-01).");
        assertFalse(check.contains("secret-value"), check);
        assertTrue(check.contains("t_n_check"), check);

        String key = FailureAdvice.redact("ERROR: duplicate key value: Key (email, tenant)=(bob@example.com, 4) already exists.");
        assertEquals("ERROR: duplicate key value: Key (email, tenant)=(redacted) already exists.", key);

        String row = FailureAdvice.redact("Failing row contains (1, hidden (nested) value).");
        assertFalse(row.contains("hidden"), row);

        String input = FailureAdvice.redact("ERROR: invalid input syntax for type integer: \"12abc\"");
        assertEquals("ERROR: invalid input syntax for type integer: (redacted)", input);
        assertFalse(FailureAdvice.redact("ERROR: invalid input value for enum mood: \"furious\"").contains("furious"));
        assertFalse(FailureAdvice.redact("ERROR: value \"99999999999\" is out of range for type integer").contains("99999999999"));

        SQLException next = new SQLException("ERROR: duplicate key value violates unique constraint \"u\"  Detail: Key (v)=(x9) already exists.", "23505");
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT INTO \"public\".\"u\" (\"id\",\"v\") VALUES (('5'::int4),"
                + "('x9'::text)) was aborted: ERROR: duplicate key value violates unique constraint \"u\"  Call getNextException to see"
                + " other errors in the batch.", "23505", new int[0]);
        batch.setNextException(next);
        assertFalse(FailureAdvice.summary(batch).contains("x9"), FailureAdvice.summary(batch));
        String entry = FailureAdvice.redact(batch.getMessage());
        assertFalse(entry.contains("x9"), entry);
        assertTrue(entry.startsWith("Batch entry 0 was aborted: ERROR: duplicate key value violates unique constraint \"u\""), entry);
    }
}
