package io.citus.warp.migration;

/** Ends a command with exit code 1 (findings), e.g. a blocker found inside {@code migrate}. */
public final class FindingsException extends RuntimeException {
    public FindingsException(String message) {
        super(message);
    }
}
