package io.citus.warp.basecopy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class CopyCoordinatorTest {
    /** The temporary slot of each attempt: a valid slot name (at most 63 of [a-z0-9_]) whatever the migration's slot is. */
    @Test
    void exportSlotsAreValidSlotNamesDistinctPerAttemptAndMigration() {
        String longest = "s".repeat(63);
        for (String slot : new String[] {"warp_shop", longest, "slot_x"}) {
            for (int attempt : new int[] {1, 2, 99_999}) {
                String name = CopyCoordinator.exportSlot(slot, attempt);
                assertTrue(name.matches("[a-z0-9_]{1,63}"), name);
            }
        }
        assertNotEquals(CopyCoordinator.exportSlot("warp_shop", 1), CopyCoordinator.exportSlot("warp_shop", 2));
        assertNotEquals(CopyCoordinator.exportSlot("warp_shop", 1), CopyCoordinator.exportSlot("warp_shoq", 1));
        assertEquals(CopyCoordinator.exportSlot("warp_shop", 3), CopyCoordinator.exportSlot("warp_shop", 3));
    }
}
