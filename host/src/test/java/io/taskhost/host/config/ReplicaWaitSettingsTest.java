package io.taskhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.taskhost.host.cli.HostOptions;
import io.taskhost.host.queue.ReplicaWait;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --redis-wait-replicas} and {@code --redis-wait-timeout}: off by default, and never a wait without end. */
class ReplicaWaitSettingsTest {

    @Test
    void byDefaultNoWriteWaitsForAReplica() {
        ReplicaWait wait = HostSettings.builder().build().replicaWait();

        assertFalse(wait.on());
        assertEquals(Duration.ofSeconds(1), wait.timeout());
    }

    @Test
    void theFlagsSetHowManyReplicasAndHowLong() {
        ReplicaWait wait = HostOptions.parse("--redis-wait-replicas", "2", "--redis-wait-timeout", "250ms").replicaWait();

        assertEquals(new ReplicaWait(2, Duration.ofMillis(250)), wait);
    }

    @Test
    void aWaitIsBoundedAndNeedsReplicasThatCanExist() {
        assertRefused("redis-wait-replicas must be 0 (off) or more, not -1", "--redis-wait-replicas", "-1");
        assertRefused("redis-wait-timeout must be between 1ms and 4s, not PT0S", "--redis-wait-timeout", "0s");
        assertRefused("redis-wait-timeout must be between 1ms and 4s, not PT5S", "--redis-wait-timeout", "5s");
        assertRefused("redis-wait-replicas needs a Redis with replicas; an embedded redis-server has none",
                "--redis", "embedded", "--redis-wait-replicas", "1");
    }

    private static void assertRefused(String message, String... args) {
        var refused = assertThrows(IllegalArgumentException.class, () -> HostOptions.parse(args));
        assertEquals(message, refused.getMessage());
    }
}
