package io.citus.warp.sink.apply;

import io.citus.warp.common.TableMapping;
import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.errors.FailureMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How every apply path sorts a failed target transaction: retried later, refused with the words, or passed on. */
@Tag("unit")
class TargetTransactionTest {
    /** A session that never connects: rolling back and discarding it are no-ops. */
    private static final TargetTransaction TARGET = new TargetTransaction(
            new TargetSession("jdbc:postgresql://127.0.0.1:1/none", "u", "p", TableMapping.identity()));
    private static final FailureMessage TX = FailureMessage.transaction(771, 0x16B3748L, 1_700_000_000_000L);

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new SQLException("deadlock detected", "40P01"), ErrorKind.TRANSIENT,
                        "transient target failure during source transaction 771 (40P01): deadlock detected", "40P01"),
                Arguments.of(new SQLTransientConnectionException("I/O error", "08006"), ErrorKind.TRANSIENT,
                        "transient target failure during source transaction 771 (08006)", "08006"),
                Arguments.of(new SQLException("ERROR: duplicate key value violates unique constraint \"customers_email_key\"\n"
                                + "  Detail: Key (email)=(alice@example.com) already exists.", "23505"), ErrorKind.PERMANENT,
                        "Could not apply source transaction 771 (commit LSN 0/16B3748, committed 2023-11-14T22:13:20Z). Nothing of it "
                                + "was applied; the sink will resume at this transaction. Target error (SQLSTATE 23505)", "23505"),
                Arguments.of(new ApplyException(ErrorKind.PERMANENT, "INSERT on public.t at source LSN 0/1, txid 771: refused.", null),
                        ErrorKind.PERMANENT, "Could not apply source transaction 771 (commit LSN 0/16B3748, committed "
                                + "2023-11-14T22:13:20Z). Nothing of it was applied; the sink will resume at this transaction. INSERT on "
                                + "public.t at source LSN 0/1, txid 771: refused.", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aFailureIsSortedAndWorded(Exception failure, ErrorKind kind, String message, String sqlState) {
        RuntimeException e = TARGET.failed(TX, failure);
        ApplyException a = (ApplyException) e;
        assertEquals(kind, a.kind());
        assertTrue(a.getMessage().startsWith(message), a.getMessage());
        assertEquals(sqlState, a.sqlState());
        assertFalse(a.getMessage().contains("alice@example.com"), "no row value: " + a.getMessage());
        if (a.getCause() != null) {
            assertFalse(a.getCause().getMessage().contains("alice@example.com"), "no row value in the cause either");
        }
    }

    @Test
    void aTransientRefusalAndAnythingElsePassUnchanged() {
        ApplyException retry = new ApplyException(ErrorKind.TRANSIENT, "lost the connection", null);
        assertSame(retry, TARGET.failed(TX, retry));
        IllegalStateException bug = new IllegalStateException("bug");
        assertSame(bug, TARGET.failed(TX, bug));
    }

    @Test
    void aTransactionStillOpenHasNoCommitLsnYet() {
        assertTrue(FailureMessage.transaction(5, -1, -1).refused("x").startsWith("Could not apply source transaction 5. Nothing of it"));
    }
}
