package io.taskhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The task named by --task-class, --task-worker and --task-params is pushed as a producer writes it. */
class BenchTaskTest {

    @Test
    void theDefaultTaskIsTheFixturesNoopAsTheBenchAlwaysPushedIt() {
        assertEquals(NoopTasks.NOOP, BenchTask.NOOP.payload());
    }

    @Test
    void aNamedTaskCarriesItsParamsAsJson() {
        var task = new BenchTask("Receipts", "write_receipt", "{\"order\":42, \"amount\":9.5}");

        assertEquals("{\"worker\":\"write_receipt\",\"class\":\"Receipts\",\"params\":{\"order\":42,\"amount\":9.5}}",
                task.payload());
    }

    @Test
    void paramsThatAreNotJsonAreRefused() {
        var task = new BenchTask("Receipts", "write_receipt", "{order: 42");

        assertThrows(IllegalArgumentException.class, task::payload);
    }
}
