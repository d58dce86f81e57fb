package io.citus.warp.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped Prometheus material, structurally (no Prometheus or Grafana runs here; PrometheusMetricsEndToEndTest scrapes a
 * real worker with the rules): the JMX exporter rules parse, their patterns compile, the Strimzi ConfigMap holds the same
 * rules, every sink metric has a rule, and every metric name the dashboard and the alerts use is one the rules produce
 * (or, for the replication slot, one postgres_exporter's default replication_slot collector exports).
 */
@Tag("unit")
class MetricsFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** postgres_exporter's replication_slot collector (default on): the source side, which no Connect metric shows. */
    static final Set<String> POSTGRES_EXPORTER = Set.of("pg_replication_slot_slot_current_wal_lsn",
            "pg_replication_slot_slot_confirmed_flush_lsn", "pg_replication_slot_slot_is_active",
            "pg_replication_slot_safe_wal_size_bytes", "pg_replication_slot_wal_status");
    private static final Set<String> PROMQL_WORDS = Set.of("rate", "irate", "increase", "delta", "changes", "max", "min", "sum", "avg",
            "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "time", "label_values", "bool",
            "count", "abs", "clamp_min", "humanize", "offset");

    /** One exporter rule as a regular expression over the metric names it can produce. */
    record Rule(String pattern, Pattern produces, String type) {
    }

    static List<Rule> rules(JsonNode config) {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode r : config.path("rules")) {
            String pattern = r.path("pattern").asText();
            Pattern.compile(pattern); // the exporter compiles it as a Java regular expression too
            List<String> groups = captureGroups(pattern);
            String name = r.path("name").asText();
            StringBuilder regex = new StringBuilder();
            Matcher ref = Pattern.compile("\\$(\\d+)").matcher(name);
            int at = 0;
            while (ref.find()) {
                regex.append(Pattern.quote(name.substring(at, ref.start())));
                regex.append(alternatives(groups.get(Integer.parseInt(ref.group(1)) - 1)));
                at = ref.end();
            }
            regex.append(Pattern.quote(name.substring(at)));
            rules.add(new Rule(pattern, Pattern.compile(regex.toString()), r.path("type").asText("UNTYPED")));
        }
        return rules;
    }

    /** The text of each capturing group, in the order the exporter numbers them. */
    static List<String> captureGroups(String pattern) {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(' && !(i + 1 < pattern.length() && pattern.charAt(i + 1) == '?')) {
                int depth = 0;
                for (int j = i; j < pattern.length(); j++) {
                    char d = pattern.charAt(j);
                    if (d == '\\') {
                        j++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')' && --depth == 0) {
                        groups.add(pattern.substring(i + 1, j));
                        break;
                    }
                }
            }
        }
        return groups;
    }

    /** A group of literal alternatives becomes their sanitized, lower-cased names; anything else any name part. */
    private static String alternatives(String group) {
        if (group.matches("[A-Za-z-]+(\\|[A-Za-z-]+)*")) {
            List<String> names = new ArrayList<>();
            for (String a : group.split("\\|")) {
                names.add(Pattern.quote(a.toLowerCase().replace('-', '_')));
            }
            return "(?:" + String.join("|", names) + ")";
        }
        return "[a-z0-9_]+";
    }

    static JsonNode exporterConfig() throws IOException {
        return YAML.readTree(RepoFiles.path("deploy/metrics/jmx-exporter.yaml").toFile());
    }

    static boolean produced(List<Rule> rules, String metric) {
        return rules.stream().anyMatch(r -> r.produces().matcher(metric).matches());
    }

    /** Metric names in a PromQL expression: identifiers outside label matchers and strings, other than PromQL's own words. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"").replaceAll("\\{[^}]*}", "").replaceAll("\\[[^]]*]", "")
                .replaceAll("by \\([^)]*\\)", "").replaceAll("on \\([^)]*\\)", "");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(bare);
        while (m.find()) {
            if (!PROMQL_WORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }

    @Test
    void rulesParseAndGiveEverySinkMetricItsPrometheusName() throws IOException {
        JsonNode config = exporterConfig();
        assertTrue(config.path("lowercaseOutputName").asBoolean());
        List<Rule> rules = rules(config);
        assertFalse(rules.isEmpty());
        for (String metric : MetricsDoc.sinkMetricNames()) {
            String name = "warp_sink_" + metric.replace('-', '_');
            Rule rule = rules.stream().filter(r -> r.produces().matcher(name).matches()).findFirst().orElse(null);
            assertTrue(rule != null, name + " is produced by a rule");
            assertEquals(metric.endsWith("-total") ? "COUNTER" : "GAUGE", rule.type(), name);
            // ... and the rule's pattern matches the attribute as the exporter formats the plugin-metrics MBean
            assertTrue(Pattern.compile(rule.pattern()).matcher("kafka.connect<type=plugins, connector=warp-shop-sink, task=0><>" + metric).matches(),
                    rule.pattern() + " matches " + metric);
        }
        assertTrue(produced(rules, "kafka_connect_connector_task_status"));
        assertFalse(produced(rules, "warp_sink_no_such_metric"), "a name outside the rules' alternatives is not produced");
    }

    @Test
    void strimziMetricsConfigMapHoldsTheSameRules() throws IOException {
        JsonNode configMap = YAML.readTree(RepoFiles.path("deploy/strimzi/metrics-config.yaml").toFile());
        assertEquals("ConfigMap", configMap.path("kind").asText());
        JsonNode embedded = YAML.readTree(configMap.path("data").path("metrics-config.yml").asText());
        assertEquals(exporterConfig(), embedded, "deploy/strimzi/metrics-config.yaml and deploy/metrics/jmx-exporter.yaml");
        JsonNode connect = YAML.readTree(RepoFiles.path("deploy/strimzi/kafka-connect.yaml").toFile());
        JsonNode ref = connect.path("spec").path("metricsConfig").path("valueFrom").path("configMapKeyRef");
        assertEquals("jmxPrometheusExporter", connect.path("spec").path("metricsConfig").path("type").asText());
        assertEquals(configMap.path("metadata").path("name").asText(), ref.path("name").asText());
        assertTrue(configMap.path("data").has(ref.path("key").asText()));
    }

    @Test
    void dashboardAndAlertsUseOnlyMetricsTheRulesOrPostgresExporterProduce() throws IOException {
        List<Rule> rules = rules(exporterConfig());
        JsonNode dashboard = JSON.readTree(RepoFiles.path("deploy/metrics/grafana-dashboard.json").toFile());
        assertFalse(dashboard.path("title").asText().isEmpty());
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertFalse(panel.path("targets").isEmpty(), "panel " + panel.path("title") + " has queries");
            panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText()));
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                expressions.add(variable.path("query").path("query").asText().replaceAll("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
            }
        }
        JsonNode alerts = YAML.readTree(RepoFiles.path("deploy/metrics/prometheus-alerts.yaml").toFile());
        Set<String> alertNames = new TreeSet<>();
        for (JsonNode group : alerts.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alertNames.add(rule.path("alert").asText());
                assertFalse(rule.path("expr").asText().isBlank(), rule.toString());
                assertTrue(rule.path("labels").has("severity") && rule.path("annotations").has("summary"), rule.toString());
                expressions.add(rule.path("expr").asText());
            }
        }
        assertEquals(new TreeSet<>(List.of("WarpConnectorTaskFailed", "WarpSinkLagHigh", "WarpSinkNoCommitWhileRecordsWait",
                "WarpBaseCopyStalled", "WarpSlotWalRetainedHigh", "WarpSlotInactive", "WarpDebeziumDisconnected")), alertNames);
        Set<String> used = new TreeSet<>();
        expressions.forEach(e -> used.addAll(metricNames(e)));
        List<String> unknown = used.stream().filter(n -> !POSTGRES_EXPORTER.contains(n) && !produced(rules, n)).toList();
        assertEquals(List.of(), unknown, "metric names no rule produces, among " + used);
        assertTrue(used.contains("warp_sink_replication_lag_ms") && used.contains("pg_replication_slot_slot_current_wal_lsn")
                && used.contains("debezium_postgres_streaming_milliseconds_behind_source"), used.toString());
    }

    @Test
    void metricNamesAreReadFromPromqlWithoutLabelsFunctionsOrStrings() {
        assertEquals(Set.of("a_total", "b"), metricNames("rate(a_total{x=\"y{z}\"}[5m]) / on (instance, slot) b > 3"));
        assertEquals(Set.of("pg_x", "pg_y"), metricNames("max by (connector) (pg_x - on (instance) pg_y) > 50 * 1024"));
    }
}
