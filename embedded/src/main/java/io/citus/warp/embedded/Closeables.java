package io.citus.warp.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops servers in order at shutdown: one that fails to stop must not keep the others running. */
public final class Closeables {
    private static final Logger LOG = LoggerFactory.getLogger(Closeables.class);

    private Closeables() {
    }

    /** Closes each non-null resource in the order given, logging (not throwing) failures. */
    public static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                LOG.warn("could not close {}", resource, e);
            }
        }
    }
}
