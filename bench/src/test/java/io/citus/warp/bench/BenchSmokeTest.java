package io.citus.warp.bench;

import io.citus.warp.bench.BenchResults.Figure;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small run of the whole harness, so that it cannot rot: every figure is present and sane, both sinks
 * copied every row, Warp's target never showed a torn transaction. No timing assertions: it is a smoke
 * test on a shared machine, not a benchmark.
 */
@Tag("bench-smoke")
class BenchSmokeTest {
    private static final Logger LOG = LoggerFactory.getLogger(BenchSmokeTest.class);

    @Test
    void harnessRunsEndToEndAndReportsEveryFigure() throws Exception {
        BenchOptions options = new BenchOptions();
        options.rows = 20_000;
        options.tps = 100;
        options.seconds = 5;
        options.threads = 2;
        options.branches = 2;
        options.accountsPerBranch = 1_000;
        options.burstSeconds = 2;
        options.timeoutSeconds = 600;
        options.copyStreams = List.of(1, 2);
        options.copyRangeRows = 5_000;
        options.aloneRates = List.of(50);
        options.aloneSeconds = 3;
        // Short like every other phase here (its default, 30 s, is a benchmark's length): the phase runs and reports.
        options.unthrottledSeconds = 3;
        options.restCopyTps = 50;
        // One worker: the two-worker deployment (a second worker JVM, a kill) is the end-to-end tests' (ConnectBaseCopyScenario).
        options.restCopyWorkers = List.of(1);
        BenchResults results = Bench.run(options);
        Path out = Paths.get(System.getProperty("warp.bench.output", "target/bench-smoke"));
        results.write(out);
        LOG.info("smoke run:\n{}", results.table());

        Figure rows = figure(results, SnapshotScenario.SCENARIO, "rows on the target");
        assertEquals(options.rows, rows.warp(), "Warp's target has every snapshot row");
        assertEquals(options.rows, rows.peer(), "the peer's target has every snapshot row");
        assertEquals(options.rows, rows.limit(), "COPY copied every row");
        for (String metric : List.of("sink-only apply time (events in Kafka)", "sink-only apply rate")) {
            Figure f = figure(results, SnapshotScenario.SCENARIO, metric);
            assertPositive(f.warp(), metric);
            assertPositive(f.peer(), metric);
            assertPositive(f.limit(), metric);
        }
        assertPositive(figure(results, SnapshotScenario.SCENARIO, "end-to-end rate").warp(), "end-to-end rate");
        for (String metric : List.of("copy rate, 1 stream(s)", "copy rate, 2 stream(s)", "end-to-end rate", "copy-alone rate")) {
            assertPositive(figure(results, BaseCopyScenario.SCENARIO, metric).warp(), "base copy " + metric);
        }
        assertPositive(figure(results, BaseCopyScenario.SCENARIO, "end-to-end rate").limit(), "COPY limit beside the base copy");
        for (int workers : options.restCopyWorkers) {
            String scenario = RestCopyScenario.scenario(workers);
            for (String metric : List.of("end-to-end rate", "copy rate (first PUT to the copy recorded finished)")) {
                Figure f = figure(results, scenario, metric);
                assertPositive(f.warp(), scenario + " " + metric);
                assertPositive(f.limit(), scenario + " COPY limit beside " + metric);
            }
            assertPositive(figure(results, scenario, "TPC-B load during the run (--restcopy-tps " + options.restCopyTps + ")").warp(),
                    scenario + ": the load ran");
            // The extra workers joined the group before the PUTs, so Connect spreads the copy's four tasks over the cluster.
            assertEquals(Math.min(workers, 4), figure(results, scenario, "Connect workers running copy tasks").warp(),
                    scenario + ": the copy's tasks ran on every worker");
        }
        assertPositive(figure(results, SnapshotScenario.SCENARIO, "sink task-thread CPU per row").warp(), "Warp CPU per row");
        assertPositive(figure(results, SnapshotScenario.SCENARIO, "sink task-thread CPU per row").peer(), "peer CPU per row");

        Figure sourceTps = figure(results, StreamingScenario.FIXED, "source transactions/s (target --tps 100)");
        assertPositive(sourceTps.warp(), "source tx/s");
        for (String metric : List.of("applied events/s (load start to caught up)", "replication delay p50", "replication delay p99",
                "replication delay max", "delay samples", "consistency samples (balance sums read)")) {
            Figure f = figure(results, StreamingScenario.FIXED, metric);
            assertPositive(f.warp(), "Warp " + metric);
            assertPositive(f.peer(), "peer " + metric);
        }
        Figure violations = figure(results, StreamingScenario.FIXED, "consistency violations (sums disagreed)");
        assertEquals(0, violations.warp(), "a reader of Warp's target saw the TPC-B balance sums disagree");
        assertTrue(violations.peer() >= 0, "the peer's violations are counted (as measured)");
        Figure catchUp = figure(results, StreamingScenario.FIXED, "catch-up time after the load stopped");
        assertTrue(catchUp.warp() >= 0 && catchUp.peer() >= 0, "catch-up times: " + catchUp);

        for (String metric : List.of("source transactions/s (unthrottled, " + options.unthrottledSeconds + " s)",
                "capture rate (change events into Kafka, load start to last change)", "records per TPC-B transaction on the topic")) {
            assertPositive(figure(results, StreamingScenario.UNTHROTTLED, metric).warp(), "unthrottled " + metric);
        }

        Figure drain = results.figures().stream().filter(f -> f.scenario().equals(StreamingScenario.DRAIN)
                && f.metric().equals("max sustained apply rate") && f.unit().equals("events/s")).findFirst().orElseThrow();
        assertPositive(drain.warp(), "Warp drain rate");
        assertPositive(drain.peer(), "peer drain rate");

        Figure alone = figure(results, StreamingScenario.ALONE, "source transactions/s at --alone-rates 50");
        assertPositive(alone.warp(), "source tx/s while Warp ran alone");
        assertPositive(alone.peer(), "source tx/s while the peer ran alone");
        Figure aloneP99 = figure(results, StreamingScenario.ALONE, "replication delay p99 at 50 tx/s");
        assertPositive(aloneP99.warp(), "Warp's delay p99 alone");
        assertPositive(aloneP99.peer(), "the peer's delay p99 alone");
        assertTrue(figure(results, StreamingScenario.ALONE, "highest rate with replication delay p99 <= 1 s (0: none of the rates)")
                .warp() >= 0, "the highest rate within the bound is reported");

        String markdown = Files.readString(out.resolve("bench-results.md"));
        assertTrue(markdown.contains(PeerConfig.CONNECTOR_CLASS), "the report records the peer's configuration");
        assertTrue(Files.readString(out.resolve("bench-results.csv")).lines().count() > results.figures().size(),
                "the CSV has a line per figure");
    }

    private static Figure figure(BenchResults results, String scenario, String metric) {
        return results.figure(scenario, metric).orElseThrow(() -> new AssertionError("no figure " + scenario + " / " + metric));
    }

    private static void assertPositive(double value, String what) {
        assertFalse(Double.isNaN(value) || Double.isInfinite(value), what + " is a number: " + value);
        assertTrue(value > 0, what + " > 0: " + value);
    }
}
