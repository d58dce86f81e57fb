package io.citus.warp.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions this build of warp was made with: its own (the Maven project version, also the sink plugin's
 * {@code Implementation-Version}), and the Kafka and Debezium versions it deploys and was tested against. Read from a
 * resource the build fills in, so that it is the same in the jar, in the tests and in an IDE.
 */
public final class BuildVersion implements CommandLine.IVersionProvider {
    private static final Properties VERSIONS = load();

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read warp's version.properties", e);
        }
        return p;
    }

    /** warp's version, e.g. {@code 0.1.0}; {@code unknown} when the build did not fill it in. */
    public static String warp() {
        return VERSIONS.getProperty("warp.version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {
                "warp " + warp(),
                "  Citus sink plugin " + warp() + " (warp-connectors-" + warp() + "-plugin.tar.gz)",
                "  built for Kafka Connect " + VERSIONS.getProperty("kafka.version", "unknown")
                        + " and Debezium PostgreSQL connector " + VERSIONS.getProperty("debezium.version", "unknown"),
        };
    }
}
