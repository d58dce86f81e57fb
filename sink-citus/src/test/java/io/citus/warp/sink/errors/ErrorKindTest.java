package io.citus.warp.sink.errors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which target errors are retried and which need a person. */
@Tag("unit")
class ErrorKindTest {
    @ParameterizedTest
    @CsvSource({
            "08006, connection failure, TRANSIENT",
            "40001, could not serialize access, TRANSIENT",
            "40P01, deadlock detected, TRANSIENT",
            "57P01, terminating connection due to administrator command, TRANSIENT",
            "57014, canceling statement due to statement timeout, TRANSIENT",
            "25006, cannot execute INSERT in a read-only transaction, TRANSIENT",
            "53300, too many connections, TRANSIENT",
            "XX000, connection to the remote node w1:5432 failed, TRANSIENT",
            "XX000, some internal error, PERMANENT",
            "42P01, relation does not exist, PERMANENT",
            "23505, duplicate key value violates unique constraint, PERMANENT",
            "22P02, invalid input syntax, PERMANENT",
    })
    void classifies(String state, String message, ErrorKind expected) {
        assertEquals(expected, ErrorKind.of(new SQLException(message, state)));
    }
}
