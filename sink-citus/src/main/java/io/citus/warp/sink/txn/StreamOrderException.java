package io.citus.warp.sink.txn;

/** The stream cannot be applied in transaction order as it is (missing events, missing markers). */
public final class StreamOrderException extends RuntimeException {
    public StreamOrderException(String message) {
        super(message);
    }
}
