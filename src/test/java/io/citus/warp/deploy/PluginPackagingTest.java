package io.citus.warp.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citus.warp.cli.BuildVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink plugin as the build packs it (unpacked into target/plugins, as on a worker's plugin.path): the build's version in
 * each of its own jars' manifests, a Confluent Hub style manifest.json naming the version and the plugin's classes, the
 * licenses and a README; and `warp --version` showing the same version.
 */
@Tag("unit")
class PluginPackagingTest {
    private static final String VERSION = System.getProperty("warp.version", "unknown");

    private static Path plugin() {
        return Paths.get(System.getProperty("warp.plugin.path", "target/plugins")).resolve("citus-warp-sink");
    }

    @Test
    void ownJarsCarryTheBuildVersion() throws IOException {
        List<Path> own;
        try (Stream<Path> files = Files.list(plugin())) {
            own = files.filter(f -> f.getFileName().toString().startsWith("warp-")).toList();
        }
        assertEquals(4, own.size(), "warp-sink-citus, warp-base-copy (the base-copy connector), warp-common and"
                + " warp-source-converter (its SourceText names): " + own);
        for (Path jar : own) {
            try (JarFile j = new JarFile(jar.toFile())) {
                assertEquals(VERSION, j.getManifest().getMainAttributes().getValue("Implementation-Version"), jar.toString());
            }
        }
    }

    @Test
    void archiveHasAConfluentHubManifestLicenseAndReadme() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(plugin().resolve("manifest.json").toFile());
        assertEquals(VERSION, manifest.path("version").asText());
        assertEquals("citus-warp-sink", manifest.path("name").asText());
        assertEquals("io.citus.warp.sink.CitusSinkConnector", manifest.path("component_classes").path("sink").get(0).asText());
        assertEquals("io.citus.warp.basecopy.connect.BaseCopyConnector",
                manifest.path("component_classes").path("source").get(0).asText());
        assertTrue(manifest.path("component_types").toString().contains("sink"));
        assertFalse(manifest.path("license").isEmpty());
        assertFalse(manifest.toString().contains("${"), "every placeholder filled: " + manifest);
        String license = Files.readString(plugin().resolve("LICENSE"));
        assertTrue(license.contains("PostgreSQL JDBC driver") && !license.contains("${"), license);
        String readme = Files.readString(plugin().resolve("README.md"));
        assertTrue(readme.contains(VERSION) && !readme.contains("${"), readme);
    }

    @Test
    void theBuildWritesTheArchivesChecksumForStrimzi() throws Exception {
        Path archive = RepoFiles.path("connectors/target/warp-connectors-" + VERSION + "-plugin.tar.gz");
        String sha512 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(archive)));
        String artifact = Files.readString(RepoFiles.path("connectors/target/strimzi-plugin-artifact.yaml"));
        assertTrue(java.util.regex.Pattern.compile("(?m)^\\s*sha512sum: " + sha512 + "$").matcher(artifact).find(), artifact);
        assertTrue(artifact.contains("url: ") && artifact.contains("warp-connectors-" + VERSION + "-plugin.tar.gz"), artifact);
        assertTrue(Files.readString(RepoFiles.path("connectors/target/warp-connectors-" + VERSION + "-plugin.tar.gz.sha512")).startsWith(sha512));
    }

    @Test
    void warpVersionIsTheBuildVersion() {
        assertEquals(VERSION, BuildVersion.warp());
        assertTrue(new BuildVersion().getVersion()[0].equals("warp " + VERSION));
    }
}
