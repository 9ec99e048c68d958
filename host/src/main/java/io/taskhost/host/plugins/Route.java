package io.taskhost.host.plugins;

/** Where a payload's {@code class} leads: a TaskWorker class inside one plugin jar. */
public record Route(PluginJar plugin, WorkerClass worker) {
}
