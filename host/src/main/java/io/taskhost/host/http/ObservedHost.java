package io.taskhost.host.http;

import io.taskhost.host.classdata.ClassDataSharing;
import io.taskhost.host.launch.WorkerLauncher;
import io.taskhost.host.plugins.PluginCatalog;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.tasks.TaskHost;
import java.time.Instant;
import redis.clients.jedis.UnifiedJedis;

/** The parts of a running host that its HTTP endpoint reports on. */
public record ObservedHost(String hostId, QueueKeys keys, UnifiedJedis redis, PluginCatalog catalog, TaskHost tasks,
                           WorkerLauncher launcher, ClassDataSharing classData, Instant startedAt) {
}
