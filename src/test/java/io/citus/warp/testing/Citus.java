package io.citus.warp.testing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test against a real Citus cluster ({@link CitusCluster}); skipped, with the reason, where no Citus
 * is available. Test methods get the cluster as a {@link CitusCluster} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("citus")
@ExtendWith(CitusExtension.class)
public @interface Citus {
}
