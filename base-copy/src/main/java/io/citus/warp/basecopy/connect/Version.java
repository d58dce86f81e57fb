package io.citus.warp.basecopy.connect;

/** The plugin's version from the jar's manifest ({@code Implementation-Version}); {@code unknown} outside a built jar. */
final class Version {
    private Version() {
    }

    static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
