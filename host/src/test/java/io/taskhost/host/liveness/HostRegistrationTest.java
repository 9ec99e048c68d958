package io.taskhost.host.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.Host;
import io.taskhost.host.cli.HostOptions;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live host stays registered in {@code {queue}:hosts}, so that peers recover its tasks if it dies. */
class HostRegistrationTest {

    @TempDir
    Path temp;

    @Test
    void aHostWhoseEntryWasRemovedRegistersAgainOnItsNextBeat() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), "--heartbeat-ttl", "1s"));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            String hosts = queue.keys().hosts();
            assertTrue(queue.redis().hexists(hosts, "host-" + queueKey));
            queue.redis().hdel(hosts, "host-" + queueKey);
            queue.redis().del(queue.keys().heartbeat("host-" + queueKey));
            Eventually.within(QueueProbe.DEADLINE, "the host registered again",
                    () -> queue.redis().hexists(hosts, "host-" + queueKey)
                            && queue.redis().exists(queue.keys().heartbeat("host-" + queueKey)));
        }
    }

    @Test
    void theDefaultHostIdIsNotTheBareHostname() {
        String id = HostOptions.parse("--redis", "redis://127.0.0.1:1").hostId();
        assertEquals(Machine.current().defaultHostId(), id);
        assertTrue(id.matches(".+-[0-9a-f]{8}"), id);
    }
}
