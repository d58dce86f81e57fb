package io.citus.warp.sink.event;

/** A record that is not a Debezium change, transaction or heartbeat record the sink can apply. */
public final class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
