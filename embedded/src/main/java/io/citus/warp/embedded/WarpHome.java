package io.citus.warp.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where warp keeps files of its own on this machine: {@code ~/.warp} ({@code user.home}), holding the secrets
 * files it writes for an embedded Connect worker. Created on first use, owner-only, so that a fresh machine
 * (no earlier run) works: Connect's file config provider refuses an allowed path that does not exist.
 */
public final class WarpHome {
    private WarpHome() {
    }

    /** {@code ~/.warp}, created (mode 700) if missing. */
    public static Path dir() {
        Path dir = Paths.get(System.getProperty("user.home"), ".warp").toAbsolutePath();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + " (warp's directory for local secrets files)", e);
        }
    }
}
