package io.taskhost.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.logging.ControlCharacters;
import io.taskhost.host.schedules.ScheduleStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** {@code taskhost schedules}: every recurring task the hosts of a queue run, where it comes from, last and next run. */
@Command(name = "schedules", mixinStandardHelpOptions = true,
        description = "Every recurring task the hosts of the queue run: its name, where it is declared (config file,"
                + " or plugin jar and version), when, its last and next run.",
        footerHeading = "%nExit codes:%n", footer = "  0  done%n  2  usage error%n  3  Redis unreachable or failing")
final class SchedulesCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print the schedules as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<ScheduleStatus> schedules;
        try (UnifiedJedis redis = connection.connect()) {
            schedules = ScheduleStatus.read(redis, connection.keys(), Instant.now());
        } catch (JedisException e) {
            return connection.redisFailed(e, spec.commandLine().getErr());
        }
        if (json) {
            out.println(PrintableJson.of(MAPPER, schedules));
            return 0;
        }
        if (schedules.isEmpty()) {
            out.println("no schedules: no host of this queue runs any");
        }
        for (ScheduleStatus schedule : schedules) {
            // Names, sources and payloads come from Redis, where anyone may have written them.
            out.println(ControlCharacters.escape(String.format("%s  from %s  %s onto %s, catch-up %s",
                    schedule.name(), schedule.source(), schedule.recurrence(), schedule.queue(), schedule.catchUp())));
            out.println(ControlCharacters.escape(String.format("    last %s  next %s%s",
                    schedule.last() == null ? "never" : Instant.ofEpochMilli(schedule.last())
                            + (schedule.lastBy() == null ? "" : " by " + schedule.lastBy()),
                    schedule.next() == null ? "none" : Instant.ofEpochMilli(schedule.next()),
                    schedule.current() ? "" : "  (no host has run it since " + Instant.ofEpochMilli(schedule.seenAt())
                            + ")")));
        }
        return 0;
    }
}
