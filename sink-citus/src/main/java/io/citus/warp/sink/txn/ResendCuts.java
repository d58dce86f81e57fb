package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.ChangeEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where Debezium re-sent part of one source transaction after restarting in the middle of it.
 *
 * <p>A re-send is BEGIN again followed by a suffix of the transaction's changes, starting at some change
 * F. The copy received before holds the changes up to some point; every change of it at or after F's place
 * is superseded by the re-send. A change's place is known from its LSN (non-decreasing within a
 * transaction) and, among changes sharing an LSN (a COPY or multi-row insert logs one WAL record per page),
 * from its content: the earlier copy is cut at its first change with a higher LSN than F, or with F's LSN
 * and F's content. Only two identical rows on one page of a table without a key are ambiguous (see
 * docs/guarantees.md).
 *
 * <p>Used in memory ({@link #cutIndex}) and, for a transaction already partly written to the target, while
 * the stream is read again from the transaction's first BEGIN ({@link #drops}).
 */
final class ResendCuts {
    private record Resend(long beginOffset, ChangeEvent first) {
    }

    private long txId = -1;
    private final List<Resend> resends = new ArrayList<>();
    /** Per re-send: the copy being read has reached its cut point (everything after it is superseded too). */
    private boolean[] cutting = new boolean[0];

    /** True when a change superseded by {@code first} sits at or after place {@code candidate}. */
    static boolean cuts(ChangeEvent candidate, ChangeEvent first) {
        long a = candidate.source().lsn();
        long b = first.source().lsn();
        return a > b || (a == b && sameChange(candidate, first));
    }

    static boolean sameChange(ChangeEvent a, ChangeEvent b) {
        return a.op() == b.op() && a.table().equals(b.table()) && Objects.equals(a.before(), b.before())
                && Objects.equals(a.after(), b.after());
    }

    /** The index of the first buffered change that {@code first} supersedes, or {@code events.size()}. */
    static int cutIndex(List<ChangeEvent> events, ChangeEvent first) {
        for (int i = 0; i < events.size(); i++) {
            if (cuts(events.get(i), first)) {
                return i;
            }
        }
        return events.size();
    }

    void add(long txId, long beginOffset, ChangeEvent first) {
        if (this.txId != txId) {
            clear();
            this.txId = txId;
        }
        resends.add(new Resend(beginOffset, first));
        cutting = new boolean[resends.size()];
    }

    boolean isFor(long txId) {
        return this.txId == txId && !resends.isEmpty();
    }

    /** The BEGIN at {@code offset} is a re-send already accounted for. */
    boolean knows(long txId, long offset) {
        return this.txId == txId && resends.stream().anyMatch(r -> r.beginOffset() == offset);
    }

    /** A BEGIN of the transaction: a new copy starts, no cut point reached in it yet. */
    void newCopy() {
        cutting = new boolean[resends.size()];
    }

    /** Whether {@code event} (of a copy being read again) is superseded by a later re-send. */
    boolean drops(ChangeEvent event) {
        if (event.txId() != txId && event.source().txId() != txId) {
            return false;
        }
        boolean drop = false;
        long offset = event.kafka().offset();
        for (int k = 0; k < resends.size(); k++) {
            Resend r = resends.get(k);
            if (r.beginOffset() > offset && (cutting[k] || cuts(event, r.first()))) {
                cutting[k] = true;
                drop = true;
            }
        }
        return drop;
    }

    void clear() {
        txId = -1;
        resends.clear();
        cutting = new boolean[0];
    }
}
