package io.citus.warp.sink.value;

/** A value the sink cannot write exactly; the caller adds table, column and source position. */
public final class UnsupportedValueException extends RuntimeException {
    public UnsupportedValueException(String message) {
        super(message);
    }
}
