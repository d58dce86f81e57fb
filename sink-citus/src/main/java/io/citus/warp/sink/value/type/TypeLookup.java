package io.citus.warp.sink.value.type;

import org.apache.kafka.connect.data.Schema;

/** The registered types, for types whose values hold other values (an array's elements). */
public interface TypeLookup {
    /** The type that writes values of {@code schema}: by its name, else by its Connect type. */
    ValueType typeOf(Schema schema);
}
