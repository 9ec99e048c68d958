package io.taskhost.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.logging.ControlCharacters;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.status.QueueStatus;
import io.taskhost.host.status.StatusReader;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** {@code taskhost status}: the queue and its hosts at a glance. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Queue depth, retries, parked, dead and delayed tasks (with the earliest due time), counters,"
                + " and each host: alive, paused, in flight, plugins.",
        footerHeading = "%nExit codes:%n", footer = "  0  done%n  2  usage error%n  3  Redis unreachable or failing")
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<QueueStatus> statuses = new ArrayList<>();
        try (UnifiedJedis redis = connection.connect()) {
            for (QueueKeys queue : connection.queues()) {
                statuses.add(new StatusReader(redis, queue, MAPPER).read());
            }
        } catch (JedisException e) {
            return connection.redisFailed(e, spec.commandLine().getErr());
        }
        if (json) {
            // One queue prints its object as it always did; several print an array of them, in --queue's order.
            out.println(statuses.size() == 1 ? PrintableJson.of(MAPPER, statuses.get(0)) : PrintableJson.of(MAPPER, statuses));
            return 0;
        }
        for (QueueStatus status : statuses) {
            print(out, status);
        }
        return 0;
    }

    private static void print(PrintWriter out, QueueStatus status) {
        line(out, "queue %s%s: %d waiting, %d retrying, %d parked, %d dead, %d delayed%s", status.queue(),
                status.paused() ? " (paused)" : "", status.waiting(), status.retrying(), status.parked(), status.dead(),
                status.delayed(), status.delayedOldestDue() == null ? ""
                        : " (the earliest due " + DelayedTasks.instant(status.delayedOldestDue())
                                .truncatedTo(ChronoUnit.MILLIS) + ")");
        line(out, "counters: %s", status.counters().isEmpty() ? "none yet" : status.counters());
        if (status.hosts().isEmpty()) {
            out.println("no hosts registered");
        }
        for (QueueStatus.HostStatus host : status.hosts()) {
            line(out, "host %s: %s%s, %d in flight, plugins %s", host.id(), host.alive() ? "alive" : "gone",
                    host.paused() ? ", paused" : "", host.inFlight(), host.plugins());
        }
    }

    /** Host ids, counter names and plugin labels come from Redis, where anyone may have written them. */
    private static void line(PrintWriter out, String format, Object... args) {
        out.println(ControlCharacters.escape(String.format(format, args)));
    }
}
