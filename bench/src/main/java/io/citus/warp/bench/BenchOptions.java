package io.citus.warp.bench;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What to run and at which scale; every figure in the report is labelled with these values. */
public final class BenchOptions {
    @Option(names = "--rows", description = "Rows of the snapshot table (pgbench_accounts-like). Default: ${DEFAULT-VALUE}")
    public int rows = 1_000_000;

    @Option(names = "--tps", description = "Source TPC-B transactions per second during the fixed-rate streaming run. Default: ${DEFAULT-VALUE}")
    public int tps = 1000;

    @Option(names = "--seconds", description = "Duration of the fixed-rate streaming load. Default: ${DEFAULT-VALUE}")
    public int seconds = 60;

    @Option(names = "--threads", description = "Source client threads of the TPC-B load. Default: ${DEFAULT-VALUE}")
    public int threads = 4;

    @Option(names = "--branches", description = "TPC-B branches of the streaming tables (10 tellers each). Default: ${DEFAULT-VALUE}")
    public int branches = 10;

    @Option(names = "--accounts-per-branch", description = "TPC-B accounts per branch of the streaming tables. Default: ${DEFAULT-VALUE}")
    public int accountsPerBranch = 2_000;

    @Option(names = "--burst-seconds", description = "Duration of the unthrottled load queued while both sinks are paused "
            + "(maximum sustained apply rate: the backlog's drain rate); 0 skips it. Default: ${DEFAULT-VALUE}")
    public int burstSeconds = 20;

    @Option(names = "--alone-rates", split = ",", description = "Streaming, one sink at a time: the fixed TPC-B rates (tx/s) "
            + "each sink runs alone, ascending, for the highest with replication delay p99 <= 1 s; empty skips it. Default: 100,200,400,800")
    public List<Integer> aloneRates = new java.util.ArrayList<>(List.of(100, 200, 400, 800));

    @Option(names = "--alone-seconds", description = "Streaming, one sink at a time: seconds per rate. Default: ${DEFAULT-VALUE}")
    public int aloneSeconds = 20;

    @Option(names = "--sample-ms", description = "Interval of the replication-delay sampler on each target. Default: ${DEFAULT-VALUE}")
    public int sampleMillis = 100;

    @Option(names = "--timeout-seconds", description = "Longest wait for any one sink to finish a phase. Default: ${DEFAULT-VALUE}")
    public int timeoutSeconds = 1800;

    @Option(names = "--peer-unnest", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Peer tuning: dialect.postgres.unnest.insert.enabled (one INSERT ... UNNEST per batch). Default: ${DEFAULT-VALUE}")
    public boolean peerUnnest = true;

    @Option(names = "--peer-batch-size", description = "Peer tuning: batch.size. Default: ${DEFAULT-VALUE}")
    public int peerBatchSize = 10_000;

    @Option(names = "--source-set", paramLabel = "KEY=VALUE", description = "Experiment: overrides a setting of the shipped "
            + "Debezium source config (repeatable), e.g. --source-set poll.interval.ms=50. Recorded in the report.")
    public Map<String, String> sourceOverrides = new LinkedHashMap<>();

    @Option(names = "--copy-streams", split = ",", description = "Base copy: the parallel stream counts to measure. Default: 1,2,4,8")
    public List<Integer> copyStreams = new java.util.ArrayList<>(List.of(1, 2, 4, 8));

    @Option(names = "--copy-range-rows", description = "Base copy: rows per range. Default: ${DEFAULT-VALUE}")
    public long copyRangeRows = 50_000;

    @Option(names = "--copy-binary", description = "Base copy: COPY in binary format instead of text.")
    public boolean copyBinary;

    @Option(names = "--scenarios", split = ",", description = "Which scenarios to run: basecopy, restcopy (the shipped configs "
            + "deployed by REST alone: the base-copy connector), snapshot (Debezium's snapshot end to end, then each sink alone), "
            + "snapshot-e2e (only its end-to-end part), streaming. Default: basecopy,restcopy,snapshot,streaming")
    public List<String> scenarios = new java.util.ArrayList<>(List.of("basecopy", "restcopy", "snapshot", "streaming"));

    @Option(names = "--restcopy-workers", split = ",", description = "REST-only deployment: the Connect cluster sizes to run it on, "
            + "one after the other (1 = the harness's in-process worker; each further worker in its own JVM, same group). Default: 1,2")
    public List<Integer> restCopyWorkers = new java.util.ArrayList<>(List.of(1, 2));

    @Option(names = "--restcopy-tps", description = "REST-only deployment: the TPC-B load (tx/s, --threads clients) running on the "
            + "source from before the first PUT to the end; 0 = unthrottled. Default: ${DEFAULT-VALUE}")
    public int restCopyTps = 100;

    @Option(names = "--wire-formats", split = ",", description = "The shipped config pairs to run every scenario with, one after the "
            + "other on fresh databases and topics: json (the default pair), avro (the Avro pair, through an Apicurio Registry the "
            + "harness starts). Figures of formats other than json carry the format in their scenario. Default: json")
    public List<io.citus.warp.connect.ConnectorTemplates.WireFormat> wireFormats =
            new java.util.ArrayList<>(List.of(io.citus.warp.connect.ConnectorTemplates.WireFormat.JSON));

    @Option(names = "--compare-before", description = "First runs the JSON format once more with the source settings shipped "
            + "before the producer compression and batching, the context headers' removal and the larger Debezium batches (docs/benchmarks.md), "
            + "labelled [json, before]: the same run then holds the figures before and after.")
    public boolean compareBefore;

    @Option(names = "--unthrottled-seconds", description = "Streaming: an unthrottled TPC-B load of this many seconds with Warp's sink "
            + "running alone: when the last change is in Kafka and when it is applied after the load; 0 skips it. Default: ${DEFAULT-VALUE}")
    public int unthrottledSeconds = 30;

    @Option(names = "--output", description = "Directory for bench-results.{csv,md}. Default: bench/target, or target when run inside bench/")
    public Path output;

    /** For the report: every option and its value. */
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("rows", Integer.toString(rows));
        d.put("tps", Integer.toString(tps));
        d.put("seconds", Integer.toString(seconds));
        d.put("threads", Integer.toString(threads));
        d.put("branches", Integer.toString(branches));
        d.put("accounts-per-branch", Integer.toString(accountsPerBranch));
        d.put("burst-seconds", Integer.toString(burstSeconds));
        d.put("sample-ms", Integer.toString(sampleMillis));
        d.put("alone-rates", aloneRates.toString());
        d.put("alone-seconds", Integer.toString(aloneSeconds));
        d.put("peer-unnest", Boolean.toString(peerUnnest));
        d.put("peer-batch-size", Integer.toString(peerBatchSize));
        d.put("copy-streams", copyStreams.toString());
        d.put("copy-range-rows", Long.toString(copyRangeRows));
        d.put("copy-binary", Boolean.toString(copyBinary));
        d.put("scenarios", String.join(",", scenarios));
        d.put("restcopy-workers", restCopyWorkers.toString());
        d.put("restcopy-tps", Integer.toString(restCopyTps));
        d.put("wire-formats", wireFormats.toString());
        d.put("compare-before", Boolean.toString(compareBefore));
        d.put("unthrottled-seconds", Integer.toString(unthrottledSeconds));
        sourceOverrides.forEach((k, v) -> d.put("source-set " + k, v));
        return d;
    }
}
