package io.citus.warp.cutover;

/** The write fence's contract on PostgreSQL 14. */
class WriteFenceOnPostgres14Test extends OlderPostgresWriteFenceContract {
    @Override
    String version() {
        return "14.19.0";
    }
}
