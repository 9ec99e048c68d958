package io.taskhost.host.http;

import io.taskhost.host.classdata.ClassDataSharing;
import io.taskhost.host.launch.WorkerLauncher;
import io.taskhost.host.plugins.PluginCatalog;
import io.taskhost.host.queue.QueueKeys;
import java.util.List;
import io.taskhost.host.tasks.TaskHost;
import java.time.Instant;
import redis.clients.jedis.UnifiedJedis;

/** The parts of a running host that its HTTP endpoint reports on. */
/** @param queues the host's queues, its first queue first */
public record ObservedHost(String hostId, List<QueueKeys> queues, UnifiedJedis redis, PluginCatalog catalog, TaskHost tasks,
                           WorkerLauncher launcher, ClassDataSharing classData, Instant startedAt) {

    public ObservedHost {
        queues = List.copyOf(queues);
    }

    QueueKeys firstQueue() {
        return queues.get(0);
    }
}
