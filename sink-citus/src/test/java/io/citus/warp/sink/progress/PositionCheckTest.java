package io.citus.warp.sink.progress;

import io.citus.warp.sink.event.KafkaPosition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The target's stored position against the topic: go on, or say what is wrong. */
@Tag("unit")
class PositionCheckTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            // case; stored topic, stored offset, stored id, topic id, log start, log end, expected problem
            "fresh topic and nothing applied,          -,    -1,  -,   A,   0,   0,   -",
            "nothing applied but start deleted,        -,    -1,  -,   A,   5,   9,   were deleted (retention): the start",
            "caught up,                             t,    9,   A,   A,   0,   10,  -",
            "behind with records kept,                  t,    3,   A,   A,   2,   10,  -",
            "next record is the log start,          t,    4,   A,   A,   5,   10,  -",
            "records after position deleted,        t,    3,   A,   A,   5,   10,  record(s) the target has not applied were deleted",
            "topic recreated (new ID),              t,    3,   A,   B,   0,   10,  deleted and created again",
            "recreated with fewer records and no ID known, t,    50,  -,   B,   0,   10,  recreated or truncated",
            "no ID recorded yet and within the log,    t,    3,   -,   B,   0,   10,  -",
            "progress from another topic,           u,    3,   A,   A,   0,   10,  while reading topic u",
    })
    void decides(String name, String storedTopic, long storedOffset, String storedId, String topicId, long logStart,
                 long logEnd, String expected) {
        Optional<Progress> stored = storedTopic == null ? Optional.empty()
                : Optional.of(new Progress(new KafkaPosition(storedTopic, 0, storedOffset), 100, 7, 1, 1, 1, storedId));
        String problem = PositionCheck.mismatch(stored, new TopicState("t", 0, topicId, logStart, logEnd));
        if (expected == null) {
            assertNull(problem, name);
        } else {
            assertTrue(problem != null && problem.contains(expected), name + ": " + problem);
        }
    }

    @ParameterizedTest
    @CsvSource({"sink-x"})
    void theFailureNamesBothWaysOut(String connector) {
        String m = PositionCheck.failure("Something happened.", "s1", connector, new TopicState("t", 0, "A", 5, 10));
        assertTrue(m.contains("warp finish"), m);
        assertTrue(m.contains("PATCH /connectors/sink-x/offsets"), m);
        assertTrue(m.contains("\"kafka_topic\":\"t\""), m);
        assertEquals(true, m.startsWith("Stream 's1': Something happened."), m);
    }
}
