package io.citus.warp.sink;

/**
 * The plugin's version: the build's {@code Implementation-Version} from the sink jar's manifest, as Connect shows it
 * ({@code GET /connector-plugins}, KIP-891 {@code connector.plugin.version}, Strimzi's status). {@code unknown} only
 * when the classes are not loaded from a built jar (an IDE, the module's own unit tests).
 */
public final class Version {
    private Version() {
    }

    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
