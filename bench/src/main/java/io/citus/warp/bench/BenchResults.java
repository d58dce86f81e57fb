package io.citus.warp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of one run and what they were measured with, rendered as a console table, CSV and Markdown.
 * Ratios are plain quotients (Warp / peer, Warp / limit); the "better" column says which direction wins.
 */
public final class BenchResults {
    public enum Better { HIGHER, LOWER, NONE }

    /**
     * One measured quantity; NaN where a column does not apply. {@code load} is the machine's 1-minute load average when
     * it was recorded: on a shared machine it says how far to trust the absolute value.
     */
    public record Figure(String scenario, String metric, String unit, Better better, double warp, double peer, double limit,
                         double load) {
        public double warpOverPeer() {
            return ratio(warp, peer);
        }

        public double warpOverLimit() {
            return ratio(warp, limit);
        }

        private static double ratio(double a, double b) {
            return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
        }
    }

    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> configs = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private String scenarioSuffix = "";

    public void add(String scenario, String metric, String unit, Better better, double warp, double peer, double limit) {
        figures.add(new Figure(scenario + scenarioSuffix, metric, unit, better, warp, peer, limit, loadAverage()));
    }

    /** Appends {@code suffix} (e.g. " [avro]") to the scenario of every figure added from now on. */
    public void scenarioSuffix(String suffix) {
        this.scenarioSuffix = suffix;
    }

    public List<Figure> figures() {
        return List.copyOf(figures);
    }

    public Optional<Figure> figure(String scenario, String metric) {
        return figures.stream().filter(f -> f.scenario().equals(scenario) && f.metric().equals(metric)).findFirst();
    }

    public void environment(String key, String value) {
        environment.put(key, value);
    }

    public Map<String, String> environment() {
        return environment;
    }

    public void config(String connector, Map<String, String> config) {
        configs.put(connector, new LinkedHashMap<>(config));
    }

    public Map<String, Map<String, String>> configs() {
        return configs;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    public void note(String note) {
        notes.add(note);
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f×", v);
    }

    private static final String[] HEADER = {"scenario", "metric", "unit", "better", "Warp", "peer (Debezium JDBC)", "limit (COPY)",
            "Warp / peer", "Warp / limit", "load (1 min)"};

    private List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        for (Figure f : figures) {
            rows.add(new String[] {f.scenario(), f.metric(), f.unit(), f.better().name().toLowerCase(Locale.ROOT),
                    format(f.warp()), format(f.peer()), format(f.limit()), ratio(f.warpOverPeer()), ratio(f.warpOverLimit()),
                    f.load() < 0 ? "" : String.format(Locale.ROOT, "%.1f", f.load())});
        }
        return rows;
    }

    /** A fixed-width table for the console. */
    public String table() {
        List<String[]> rows = rows();
        int[] width = new int[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) {
            width[i] = HEADER[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, HEADER, width);
        StringBuilder rule = new StringBuilder();
        for (int w : width) {
            rule.append("-".repeat(w)).append("  ");
        }
        out.append(rule.toString().stripTrailing()).append('\n');
        for (String[] r : rows) {
            appendRow(out, r, width);
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean numeric = i >= 4;
            String cell = cells[i];
            String pad = " ".repeat(width[i] - cell.length());
            line.append(numeric ? pad + cell : cell + pad).append("  ");
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    public String csv() {
        StringBuilder out = new StringBuilder("scenario,metric,unit,better,warp,peer,limit,warp_over_peer,warp_over_limit,load\n");
        for (Figure f : figures) {
            out.append(csvCell(f.scenario())).append(',').append(csvCell(f.metric())).append(',').append(csvCell(f.unit()))
                    .append(',').append(f.better().name().toLowerCase(Locale.ROOT))
                    .append(',').append(plain(f.warp())).append(',').append(plain(f.peer())).append(',').append(plain(f.limit()))
                    .append(',').append(plain(f.warpOverPeer())).append(',').append(plain(f.warpOverLimit()))
                    .append(',').append(f.load() < 0 ? "" : plain(f.load())).append('\n');
        }
        return out.toString();
    }

    private static String plain(double v) {
        return Double.isNaN(v) ? "" : v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    public String markdown() {
        StringBuilder out = new StringBuilder("# Citus Warp benchmark results\n\n");
        out.append("| ").append(String.join(" | ", HEADER)).append(" |\n|");
        for (int i = 0; i < HEADER.length; i++) {
            out.append(i >= 4 ? "---:|" : "---|");
        }
        out.append('\n');
        for (String[] r : rows()) {
            out.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        if (!notes.isEmpty()) {
            out.append("\n## Notes\n\n");
            notes.forEach(n -> out.append("- ").append(n).append('\n'));
        }
        out.append("\n## Environment and options\n\n");
        environment.forEach((k, v) -> out.append("- ").append(k).append(": ").append(v).append('\n'));
        for (Map.Entry<String, Map<String, String>> c : configs.entrySet()) {
            out.append("\n## ").append(c.getKey()).append("\n\n```json\n{\n");
            List<String> lines = new ArrayList<>();
            c.getValue().forEach((k, v) -> lines.add("  \"" + k + "\": \"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
            out.append(String.join(",\n", lines)).append("\n}\n```\n");
        }
        return out.toString();
    }

    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("bench-results.csv"), csv(), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("bench-results.md"), markdown(), StandardCharsets.UTF_8);
    }
}
