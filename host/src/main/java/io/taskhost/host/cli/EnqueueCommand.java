package io.taskhost.host.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.logging.ControlCharacters;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** {@code taskhost enqueue}: pushes one task in the seed's wire format, as a PHP producer would. */
@Command(name = "enqueue", mixinStandardHelpOptions = true,
        description = {"LPUSH one task {\"worker\": W, \"class\": C, \"params\": P} onto the queue, for scripts.",
                "With --in or --at, ZADD it to {queue}:delayed instead, scored by its due time in epoch seconds,"
                        + " as a PHP producer delays a task; the hosts push it onto the queue when it falls due."},
        footerHeading = "%nExit codes:%n",
        footer = "  0  queued or delayed%n  2  usage error, --params is not JSON, or --at is not a time%n"
                + "  3  Redis unreachable or failing")
final class EnqueueCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** ISO-8601 with an offset, a zone in brackets, or both; java.time's own ISO formats take a zone only after an offset. */
    private static final DateTimeFormatter TIME_WITH_ZONE = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffsetId().optionalEnd()
            .optionalStart().appendLiteral('[').parseCaseSensitive().appendZoneRegionId().appendLiteral(']').optionalEnd()
            .toFormatter();

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--class", paramLabel = "C", description = "The task class; omitted, the host's default class.")
    String taskClass;

    @Option(names = "--worker", paramLabel = "W", required = true, description = "The operation: _task_<W> runs.")
    String worker;

    @Option(names = "--params", paramLabel = "JSON", description = "The params, as JSON. Default: []")
    String params;

    @Option(names = "--in", paramLabel = "DURATION", description = "Delay the task by DURATION from now by Redis's"
            + " clock: 500ms, 30s, 5m, 2h, or ISO-8601 such as PT1H30M.")
    Duration in;

    @Option(names = "--at", paramLabel = "TIME", description = "Delay the task until TIME: an ISO-8601 instant with Z or"
            + " an offset, 2026-12-24T18:00:00Z or 2026-12-24T19:00:00+01:00, or a local date-time with its zone in"
            + " brackets, 2026-12-24T19:00[Europe/Paris]. A time without a zone is refused.")
    String at;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var task = MAPPER.createObjectNode().put("worker", worker);
        if (taskClass != null) {
            task.put("class", taskClass);
        }
        task.set("params", params == null ? MAPPER.createArrayNode() : parse(params));
        String payload = MAPPER.writeValueAsString(task);
        // Typed on the command line only: a TASKHOST_IN or an "at" key in the config file must not delay every enqueue.
        Duration in = typed("--in") ? this.in : null;
        String at = typed("--at") ? this.at : null;
        if (in != null && at != null) {
            throw new ParameterException(spec.commandLine(), "give --in or --at, not both");
        }
        if (in != null && in.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--in must not be negative: " + in);
        }
        Instant dueAt = at == null ? null : instant(at);
        try (UnifiedJedis redis = connection.connect()) {
            if (in != null || dueAt != null) {
                return delay(new DelayedTasks(redis, connection.keys()), payload, in, dueAt);
            }
            long depth = redis.lpush(connection.keys().queue(), payload);
            spec.commandLine().getOut().println(ControlCharacters.escape(String.format("queued on %s (%d waiting): %s",
                    connection.keys().queue(), depth, payload)));
            return 0;
        } catch (JedisException e) {
            return connection.redisFailed(e, spec.commandLine().getErr());
        }
    }

    private boolean typed(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private int delay(DelayedTasks delayed, String payload, Duration in, Instant dueAt) {
        Instant due;
        try {
            due = dueAt != null ? dueAt : delayed.redisNow().plus(in);
        } catch (ArithmeticException | DateTimeException e) {
            throw new ParameterException(spec.commandLine(), "--in " + in + " is too far ahead for a due time");
        }
        boolean added = delayed.delay(payload.getBytes(StandardCharsets.UTF_8), due);
        spec.commandLine().getOut().println(ControlCharacters.escape(String.format("%s %s until %s (id %s): %s",
                added ? "delayed on" : "already delayed on, now due", connection.keys().delayed(), due,
                DelayedTasks.idOf(payload.getBytes(StandardCharsets.UTF_8)), payload)));
        return 0;
    }

    private Instant instant(String text) {
        try {
            return ZonedDateTime.parse(text, TIME_WITH_ZONE).toInstant();
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), "--at '" + text + "' is not a time with a zone: use"
                    + " 2026-12-24T18:00:00Z, 2026-12-24T19:00:00+01:00 or 2026-12-24T19:00[Europe/Paris]");
        }
    }

    private JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ParameterException(spec.commandLine(), "--params is not JSON: " + e.getOriginalMessage());
        }
    }
}
