package io.citus.warp.sink.apply;

import java.util.List;

/**
 * A row to delete: its source key values, and the Citus distribution column's value when the event's
 * before-image has one (it may be a placeholder under REPLICA IDENTITY DEFAULT, so it is only a hint).
 */
record KeyedDelete(List<String> key, String routing) {
}
