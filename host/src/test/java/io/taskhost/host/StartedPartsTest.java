package io.taskhost.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartedPartsTest {

    @Test
    void afterAFailedStartThePartsStopNewestFirstAndOneThatFailsToStopDoesNotKeepTheOthersRunning() {
        List<String> stopped = new ArrayList<>();
        var parts = new StartedParts();
        parts.add(() -> stopped.add("redis"));
        parts.onFailure(() -> stopped.add("heartbeat"));
        parts.add(() -> {
            stopped.add("scratch");
            throw new IOException("cannot delete the scratch directory");
        });
        parts.add(() -> stopped.add("http"));
        var failure = new IllegalStateException("the watcher cannot start");

        parts.stopAll(failure);

        assertEquals(List.of("http", "scratch", "heartbeat", "redis"), stopped);
        assertEquals(1, failure.getSuppressed().length);
        assertEquals("cannot delete the scratch directory", failure.getSuppressed()[0].getMessage());
    }

    @Test
    void anInterruptWhileStoppingStopsTheRestAndIsKept() {
        List<String> stopped = new ArrayList<>();
        var parts = new StartedParts();
        parts.add(() -> stopped.add("redis"));
        parts.onFailure(() -> {
            throw new InterruptedException();
        });
        var failure = new IOException("scratch-dir cannot be made");

        parts.stopAll(failure);

        assertEquals(List.of("redis"), stopped);
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertArrayEquals(new Class<?>[] {InterruptedException.class},
                List.of(failure.getSuppressed()).stream().map(Object::getClass).toArray());
    }
}
