package io.citus.warp.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Files of the repository for tests: from the module directory (surefire runs in src/) or from the root (an IDE). */
public final class RepoFiles {
    private RepoFiles() {
    }

    public static Path path(String relative) {
        for (Path base : new Path[] {Paths.get(".."), Paths.get(".")}) {
            if (Files.exists(base.resolve(relative))) {
                return base.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found from " + Paths.get("").toAbsolutePath());
    }
}
