package io.taskhost.host.tasks;

import java.time.Duration;

/**
 * @param workers       how many tasks run at once
 * @param taskTimeout   how long one operation may run before its worker is killed
 * @param shutdownGrace how long a stopping host waits for running tasks
 * @param fetchTimeout  how long one blocking fetch waits before it is repeated
 */
public record TaskSettings(String queue, String hostId, String defaultClass, int workers, Duration taskTimeout,
                           Duration shutdownGrace, Duration fetchTimeout) {
}
