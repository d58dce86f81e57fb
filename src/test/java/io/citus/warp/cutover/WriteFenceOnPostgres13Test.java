package io.citus.warp.cutover;

/** The write fence's contract on PostgreSQL 13. */
class WriteFenceOnPostgres13Test extends OlderPostgresWriteFenceContract {
    @Override
    String version() {
        return "13.22.0";
    }
}
