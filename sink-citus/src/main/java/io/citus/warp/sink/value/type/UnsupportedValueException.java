package io.citus.warp.sink.value.type;

/**
 * A value the sink cannot write exactly. The message is the reason and what to do, and never the value itself (it
 * reaches the task's trace and the worker's log); the caller adds table, column and source position.
 */
public final class UnsupportedValueException extends RuntimeException {
    public UnsupportedValueException(String reason) {
        super(reason);
    }
}
