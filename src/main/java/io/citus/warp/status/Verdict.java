package io.citus.warp.status;

/** The one-word state of a migration. */
public enum Verdict {
    NOT_DEPLOYED, FAILED,
    /** A migrated table's changes do not reach the stream (publication or Debezium's filter leaves it out): never CAUGHT UP. */
    NOT_CAPTURED,
    SNAPSHOTTING, CATCHING_UP, CAUGHT_UP;

    public String label() {
        return name().replace('_', ' ');
    }

    /**
     * @param deployed        both connectors exist
     * @param failed          a connector or task is FAILED
     * @param snapshotPending a table's snapshot is loading (started, not completed)
     * @param anythingApplied the sink has recorded any progress
     * @param lag             records in the topic not yet applied; -1 when unknown
     */
    public static Verdict decide(boolean deployed, boolean failed, boolean snapshotPending, boolean anythingApplied, long lag) {
        if (!deployed) {
            return NOT_DEPLOYED;
        }
        if (failed) {
            return FAILED;
        }
        if (snapshotPending || (!anythingApplied && lag != 0)) {
            return SNAPSHOTTING;
        }
        return lag == 0 ? CAUGHT_UP : CATCHING_UP;
    }
}
