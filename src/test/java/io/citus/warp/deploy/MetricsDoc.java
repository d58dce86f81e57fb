package io.citus.warp.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sink metrics docs/metrics.md documents (its table is kept equal to the sink's registered metrics by SinkMetricsTest). */
public final class MetricsDoc {
    private MetricsDoc() {
    }

    /** The sink's metric names, e.g. {@code transactions-applied-total}, in the table's order. */
    public static List<String> sinkMetricNames() {
        try {
            String text = Files.readString(RepoFiles.path("docs/metrics.md"));
            Matcher m = Pattern.compile("^\\| `([a-z-]+)` \\|", Pattern.MULTILINE).matcher(text.substring(0, text.indexOf("## Debezium")));
            List<String> names = new ArrayList<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            if (names.isEmpty()) {
                throw new IllegalStateException("no sink metric table in docs/metrics.md");
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
