package io.citus.warp.sink.errors;

import io.citus.warp.sink.FakeSinkTaskContext;
import io.citus.warp.sink.TestClock;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retried after the backoff while the failures last less than the timeout since the first; a success starts afresh. */
@Tag("unit")
class RetryClockTest {

    /**
     * @param steps space-separated: F (a transient failure) or S (a success) after advancing the clock by the number
     *              before it, e.g. "0F 400F 700S 0F"
     * @param outcome per failure: R (retried) or G (gave up)
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            0F,                         R
            0F 1000F,                   R R
            0F 1000F 1F,                R R G
            0F 600F 400F,               R R R
            0F 999F 2F,                 R R G
            0F 999F 0S 2F 1000F,        R R R R
            0F 999F 0S 2F 1001F,        R R R G
            0F 5000F,                   R G
            """)
    void retriesUntilTheTargetHasFailedForLongerThanTheTimeout(String steps, String outcome) {
        FakeSinkTaskContext context = new FakeSinkTaskContext();
        TestClock clock = new TestClock();
        RetryClock retry = new RetryClock(context, 1_000, 250, clock);
        ApplyException failure = new ApplyException(ErrorKind.TRANSIENT, "transient target failure (08006): gone", null);
        List<String> outcomes = new ArrayList<>();
        for (String step : steps.split(" ")) {
            clock.advance(Long.parseLong(step.substring(0, step.length() - 1)));
            if (step.endsWith("S")) {
                retry.succeeded();
                continue;
            }
            try {
                RetriableException r = retry.retry(failure, "after Kafka offset [41]");
                assertEquals(failure.getMessage(), r.getMessage());
                outcomes.add("R");
            } catch (ConnectException e) {
                assertTrue(e.getMessage().startsWith("The target kept failing for 1 s (retry.timeout.ms); nothing after Kafka "
                        + "offset [41] was applied. Last error: transient target failure"), e.getMessage());
                outcomes.add("G");
            }
        }
        assertEquals(outcome, String.join(" ", outcomes));
        long retried = outcomes.stream().filter("R"::equals).count();
        assertEquals(retried, context.timeouts.size(), "each retry asks Connect to wait");
        assertTrue(context.timeouts.stream().allMatch(t -> t == 250), "the backoff: " + context.timeouts);
    }
}
