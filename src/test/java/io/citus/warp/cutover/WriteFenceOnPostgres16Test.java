package io.citus.warp.cutover;

/** The write fence's contract on PostgreSQL 16. */
class WriteFenceOnPostgres16Test extends OlderPostgresWriteFenceContract {
    @Override
    String version() {
        return "16.10.0";
    }
}
