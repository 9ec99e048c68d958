package io.taskhost.host.http;

import io.taskhost.host.Host;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;

/**
 * A real host with its dashboard on a free port, one attempt per task and no warm spares, on a
 * queue of its own, with a probe of that queue and a client of its HTTP endpoint: what the API
 * test classes share, one per class.
 */
final class DashboardHost implements AutoCloseable {

    final String queueKey;
    final Host host;
    final QueueProbe queue;
    final DashboardClient http;

    private DashboardHost(String queueKey, Host host, QueueProbe queue, DashboardClient http) {
        this.queueKey = queueKey;
        this.host = host;
        this.queue = queue;
        this.http = http;
    }

    static DashboardHost start(Path temp) {
        String queueKey = TestHosts.uniqueQueue();
        Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), "--max-attempts", "1",
                "--warm-spares", "0", "--http-port", Integer.toString(TestHosts.freePort())));
        return new DashboardHost(queueKey, host, new QueueProbe(TestRedis.shared(), queueKey),
                new DashboardClient(host.httpAddress().orElseThrow()));
    }

    @Override
    public void close() throws Exception {
        queue.close();
        host.close();
    }
}
