package io.citus.warp.connect;

import java.net.URI;

/** A Connect REST call that failed, with the worker's own error message. */
public final class ConnectRestException extends RuntimeException {
    private final int status;

    ConnectRestException(String method, URI url, int status, String body) {
        super(method + " " + url + " answered " + status + ": " + body);
        this.status = status;
    }

    ConnectRestException(String method, URI url, Exception cause) {
        super(method + " " + url + " failed: " + cause.getMessage(), cause);
        this.status = -1;
    }

    /** HTTP status, or -1 when the worker could not be reached. */
    public int status() {
        return status;
    }
}
