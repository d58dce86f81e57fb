package io.citus.warp.testing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An end-to-end test: real PostgreSQL, Kafka, Connect worker (REST), Debezium and the built sink plugin. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("e2e")
@ExtendWith(WarpEnvironmentExtension.class)
public @interface EndToEnd {
}
