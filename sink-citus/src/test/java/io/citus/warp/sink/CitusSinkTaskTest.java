package io.citus.warp.sink;

import io.citus.warp.sink.progress.BaseCopyGate;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task against a fake {@link org.apache.kafka.connect.sink.SinkTaskContext} and a target in memory, with real
 * decoding, assembly and queueing: where it seeks on assignment, what it feeds when records come again, how it holds the
 * stream for the base copy, rewinds, reloads after a lost COMMIT and retries, and that preCommit reports applied offsets
 * only. The stream: transaction 100 at offsets 39-41 (commit LSN 500), 101 at 42-44 (1000), 102 at 45-48 (2000, two
 * changes), 103 at 49-51 (3000).
 */
@Tag("unit")
class CitusSinkTaskTest {
    private static final TopicPartition TP = new TopicPartition(DebeziumStream.TOPIC, 0);
    private static final DebeziumStream STREAM = new DebeziumStream().transaction(100, 500, 1, 39).transaction(101, 1000, 1, 42)
            .transaction(102, 2000, 2, 45).transaction(103, 3000, 1, 49);

    /**
     * @param script what happens, in order: stored=41@500 (the target's progress row), copy=running|N (the base copy
     *               runs, or finished at consistent LSN N; the sink is deployed with a base copy), buffer=N
     *               (apply.transaction.buffer.changes), open (start and assignment), put:A-B (records at offsets A to B
     *               delivered), fail (the next apply fails transiently before committing), fail-always, lose-commit (the
     *               next apply commits, then its acknowledgement is lost), lose-work=41@500 (the target's progress goes
     *               back: committed work lost), clock=N (ms pass)
     * @param outcomes per put: ok, retry (RetriableException) or fail (ConnectException)
     * @param committed source transactions committed on the target, in order
     * @param seeks offsets Connect was asked to seek to, in order
     * @param preCommit the offset preCommit reports at the end (- for none)
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            open put:39-44                                                    | ok             | 100 101     |       | 45
            stored=41@500 open put:39-48                                      | ok             | 101 102     | 42    | 49
            stored=41@500 open                                                | ''             | ''          | 42    | 42
            stored=41@500 open put:42-46                                      | ok             | 101         | 42    | 45
            stored=41@500 open put:42-44 put:42-44 put:43-48                  | ok ok ok       | 101 102     | 42    | 49
            stored=41@500 open fail put:42-44 put:42-44                       | retry ok       | 101         | 42    | 45
            stored=41@500 open lose-commit put:42-44 put:42-44                | retry ok       | 101         | 42    | 45
            stored=41@500 open lose-commit put:42-48 put:42-48                | retry ok       | 101 102     | 42    | 49
            stored=41@500 open put:42-44 lose-work=41@500 fail put:45-48 put:45-48 put:42-48 | ok retry ok ok | 101 101 102 | 42 42 | 49
            stored=41@500 open fail-always put:42-44 clock=999 put:42-44 clock=2 put:42-44 | retry retry fail | '' | 42 | 42
            copy=running stored=41@500 open put:42-48 put:42-48               | ok ok          | ''          |       | -
            copy=running stored=41@500 open put:42-48 copy=1500 put:49-51 put:42-51 | ok ok ok | 102 103     | 42    | 52
            copy=1500 stored=41@500 open put:42-51                            | ok             | 102 103     | 42    | 52
            buffer=1 stored=44@1000 open fail put:45-46 put:47-48 put:45-48   | retry ok ok    | 102         | 45 45 | 49
            """)
    void positionAndRetries(String script, String outcomes, String committed, String seeks, String preCommit) {
        InMemoryTarget target = new InMemoryTarget();
        FakeSinkTaskContext context = new FakeSinkTaskContext().assign(TP);
        TestClock clock = new TestClock();
        CitusSinkTask task = new CitusSinkTask((config, stream, connector) -> target, clock);
        task.initialize(context);
        Map<String, String> props = props();
        List<String> results = new ArrayList<>();
        for (String step : script.split("\\s+")) {
            String[] kv = step.split("[=:]", 2);
            switch (kv[0]) {
                case "stored", "lose-work" -> {
                    String[] at = kv[1].split("@");
                    target.storedAt(Long.parseLong(at[0]), Long.parseLong(at[1]));
                }
                case "copy" -> {
                    props.put(CitusSinkConfig.BASE_COPY_SLOT, "warp_slot");
                    target.baseCopy = kv[1].equals("running") ? new BaseCopyGate.State(false, -1, "1 of 4 ranges copied")
                            : new BaseCopyGate.State(true, Long.parseLong(kv[1]), "finished");
                }
                case "buffer" -> props.put(CitusSinkConfig.TRANSACTION_BUFFER_CHANGES, kv[1]);
                case "open" -> {
                    task.start(props);
                    task.open(List.of(TP));
                }
                case "put" -> {
                    String[] range = kv[1].split("-");
                    results.add(put(task, Long.parseLong(range[0]), Long.parseLong(range[1])));
                }
                case "fail" -> target.failNext = true;
                case "fail-always" -> target.failAlways = true;
                case "lose-commit" -> target.loseNextCommit = true;
                case "clock" -> clock.advance(Long.parseLong(kv[1]));
                default -> throw new IllegalArgumentException(step);
            }
        }
        assertEquals(outcomes, String.join(" ", results), "put outcomes");
        assertEquals(committed, target.committed.stream().map(String::valueOf).collect(Collectors.joining(" ")), "committed");
        assertEquals(seeks == null ? "" : seeks, context.offsets.isEmpty() ? "" : context.seeks.stream()
                .map(s -> s.substring(s.indexOf('@') + 1)).collect(Collectors.joining(" ")), "seeks");
        Map<TopicPartition, OffsetAndMetadata> reported = task.preCommit(Map.of(TP, new OffsetAndMetadata(999)));
        assertEquals(preCommit, reported.isEmpty() ? "-" : String.valueOf(reported.get(TP).offset()), "preCommit");
    }

    private static String put(CitusSinkTask task, long from, long to) {
        try {
            task.put(STREAM.poll(from, to));
            return "ok";
        } catch (RetriableException e) {
            return "retry";
        } catch (ConnectException e) {
            return "fail";
        }
    }

    private static Map<String, String> props() {
        Map<String, String> props = new HashMap<>();
        props.put(CitusSinkConfig.CONNECTOR_NAME, "warp-test-sink");
        props.put(CitusSinkConfig.CONNECTION_URL, "jdbc:postgresql://127.0.0.1:1/target");
        props.put(CitusSinkConfig.RETRY_TIMEOUT_MS, "1000");
        props.put(CitusSinkConfig.RETRY_BACKOFF_MS, "100");
        return props;
    }

    @Test
    void whileTheBaseCopyRunsThePartitionIsPausedAndLookedAtAgainThenResumed() {
        InMemoryTarget target = new InMemoryTarget();
        FakeSinkTaskContext context = new FakeSinkTaskContext().assign(TP);
        CitusSinkTask task = new CitusSinkTask((config, stream, connector) -> target, new TestClock());
        task.initialize(context);
        Map<String, String> props = props();
        props.put(CitusSinkConfig.BASE_COPY_SLOT, "warp_slot");
        task.start(props);
        task.open(List.of(TP));
        task.put(STREAM.poll(42, 44));
        assertEquals(List.of(TP), List.copyOf(context.paused));
        assertEquals(List.of(250L, 250L), context.timeouts, "looked at again every 250 ms");
        target.baseCopy = new BaseCopyGate.State(true, 500, "finished");
        task.put(List.of());
        assertTrue(context.paused.isEmpty());
        assertEquals(1, context.resumes);
        assertEquals(List.of(101L), target.committed, "the records kept during the copy are applied after it");
    }

    @Test
    void aTopicWithSeveralPartitionsIsRefused() {
        CitusSinkTask task = new CitusSinkTask((config, stream, connector) -> new InMemoryTarget(), new TestClock());
        task.initialize(new FakeSinkTaskContext().assign(TP, new TopicPartition(DebeziumStream.TOPIC, 1)));
        task.start(props());
        ConnectException e = assertThrows(ConnectException.class,
                () -> task.open(List.of(TP, new TopicPartition(DebeziumStream.TOPIC, 1))));
        assertTrue(e.getMessage().contains("topic.creation.default.partitions=1"), e.getMessage());
    }

    @Test
    void anUnreachableTargetAtAssignmentIsReadAgainByPut() {
        InMemoryTarget target = new InMemoryTarget();
        target.unreadable = 1;
        target.storedAt(41, 500);
        FakeSinkTaskContext context = new FakeSinkTaskContext().assign(TP);
        CitusSinkTask task = new CitusSinkTask((config, stream, connector) -> target, new TestClock());
        task.initialize(context);
        task.start(props());
        task.open(List.of(TP));
        assertEquals(1, target.discards, "the connection is dropped");
        assertEquals(List.of(), context.seeks, "no position yet");
        task.put(STREAM.poll(39, 44));
        assertEquals(List.of(DebeziumStream.TOPIC + "-0@42"), context.seeks);
        assertEquals(List.of(), target.committed, "polled before the seek: nothing fed");
        task.put(STREAM.poll(42, 44));
        assertEquals(List.of(101L), target.committed);
    }
}
