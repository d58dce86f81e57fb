package io.citus.warp.sink.position;

import io.citus.warp.sink.event.KafkaPosition;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which records are fed (never twice, never ahead of a rewind) and which offset Connect may commit (only applied ones). */
@Tag("unit")
class OffsetLedgerTest {
    private static final TopicPartition TP = new TopicPartition("warp.changes", 0);

    /**
     * @param steps P41 positioned after 41 (stored progress), D42 a record delivered at 42, R40 rewound to 40,
     *              K45 applied up to 45, F the partition forgotten (revoked)
     * @param fed the delivered offsets that were fed, in order
     * @param committable what preCommit reports (- for nothing)
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            'D0 D1 D2',                       '0 1 2',    -
            'D0 D1 K1',                       '0 1',      2
            'P41 D40 D41 D42 D43',            '42 43',    42
            'P41 D42 D43 K43 D42 D43 D44',    '42 43 44', 44
            'D5 D6 D7 R6 D7 D8 D6 D7 D8',     '5 6 7 6 7 8', -
            'P9 R10 D12 D10 D11',             '10 11',    10
            'D1 K1 K0',                       '1',        2
            'P41 K50 F',                      '',         -
            'P41 F D10 D11',                  '10 11',    -
            """)
    void feedsEachRecordOnceAndReportsOnlyAppliedOffsets(String steps, String fed, String committable) {
        OffsetLedger ledger = new OffsetLedger();
        List<String> admitted = new ArrayList<>();
        for (String step : steps.split(" ")) {
            long n = step.length() > 1 ? Long.parseLong(step.substring(1)) : -1;
            switch (step.charAt(0)) {
                case 'P' -> ledger.positionedAt(TP, n);
                case 'D' -> {
                    if (ledger.admit(TP, n)) {
                        admitted.add(String.valueOf(n));
                    }
                }
                case 'R' -> ledger.rewound(TP, n);
                case 'K' -> ledger.acknowledge(new KafkaPosition(TP.topic(), TP.partition(), n));
                case 'F' -> ledger.forget(TP);
                default -> throw new IllegalArgumentException(step);
            }
        }
        assertEquals(fed, String.join(" ", admitted));
        Map<TopicPartition, OffsetAndMetadata> commit = ledger.committable(Set.of(TP));
        assertEquals(committable, commit.isEmpty() ? "-" : String.valueOf(commit.get(TP).offset()));
    }
}
