package io.taskhost.host.schedules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhost.host.queue.QueueKeys;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A recurring task: when it falls due, the payload it enqueues and where.
 *
 * @param name       unique among the schedules of a queue; it names the schedule's state in Redis, so a
 *                   schedule keeps its name across restarts and plugin versions
 * @param source     where it was declared, for people: {@code config file}, or {@code plugin mail@1.2.0 (mail.jar)}
 * @param payload    the seed's {@code {"worker","class","params"}}, as enqueued but for the {@code _schedule} field
 * @param queue      the list it is pushed onto; empty for the host's (first) queue
 */
public record Schedule(String name, String source, Recurrence recurrence, ObjectNode payload, Optional<String> queue,
                       CatchUp catchUp) {

    public static final String CONFIG_FILE = "config file";
    /** The config file's keys are {@code schedule.<name>.<setting>}. */
    public static final String PREFIX = "schedule.";
    /** What the {@code _schedule} field adds to a payload at most, beside the schedule's name. */
    public static final int MARK_BYTES = 120 + 100;
    public static final Set<String> SETTINGS = Set.of("every", "cron", "zone", "payload", "queue", "catch-up");

    private static final Pattern CONFIGURED_NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public Schedule {
        payload = payload.deepCopy();
    }

    /** The queue this schedule enqueues onto, {@code hostQueue} unless it names another. */
    public String queueOr(String hostQueue) {
        return queue.orElse(hostQueue);
    }

    /**
     * A schedule of the config file, from its {@code schedule.<name>.*} keys.
     *
     * @param settings setting (such as {@code cron}) to its value
     * @throws IllegalArgumentException naming the key that is wrong and how to fix it
     */
    public static Schedule configured(String name, Map<String, String> settings) {
        String prefix = PREFIX + name + ".";
        if (!CONFIGURED_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(PREFIX + name + ": a schedule's name is 1 to 100 letters, digits, '_'"
                    + " or '-'");
        }
        for (String setting : settings.keySet()) {
            if (!SETTINGS.contains(setting)) {
                throw new IllegalArgumentException(prefix + setting + ": a schedule's settings are "
                        + new TreeSet<>(SETTINGS));
            }
        }
        String every = settings.get("every");
        String cron = settings.get("cron");
        if ((every == null) == (cron == null)) {
            throw new IllegalArgumentException(PREFIX + name + ": set exactly one of " + prefix + "every and " + prefix
                    + "cron" + (every == null ? "" : ", not both"));
        }
        if (every != null && settings.containsKey("zone")) {
            throw new IllegalArgumentException(prefix + "zone: applies to " + prefix + "cron only; " + prefix
                    + "every counts from the epoch in any zone");
        }
        Recurrence recurrence;
        try {
            recurrence = every != null ? Recurrence.every(every) : Recurrence.cron(cron, settings.get("zone"));
        } catch (IllegalArgumentException e) {
            String key = every != null ? "every" : e.getMessage().contains("time zone") ? "zone" : "cron";
            throw new IllegalArgumentException(prefix + key + ": " + e.getMessage(), e);
        }
        String payloadText = settings.get("payload");
        if (payloadText == null) {
            throw new IllegalArgumentException(prefix + "payload: missing; a schedule enqueues a payload such as"
                    + " {\"worker\":\"send_digest\",\"class\":\"MailTasks\",\"params\":{}}");
        }
        ObjectNode payload;
        try {
            payload = payload(payloadText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + "payload: " + e.getMessage(), e);
        }
        Optional<String> queue = Optional.ofNullable(settings.get("queue")).map(String::trim);
        try {
            queue.ifPresent(QueueKeys::new);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + "queue: " + e.getMessage(), e);
        }
        CatchUp catchUp;
        try {
            catchUp = CatchUp.parse(settings.getOrDefault("catch-up", "once"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + "catch-up: " + e.getMessage(), e);
        }
        return new Schedule(name, CONFIG_FILE, recurrence, payload, queue, catchUp);
    }

    /**
     * Reads a payload in the seed's format: a JSON object with a non-empty string {@code worker}, a string
     * {@code class} if any, and no {@code _taskhost} or {@code _schedule}, which taskhost writes itself.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static ObjectNode payload(String json) {
        JsonNode root = json(json);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("must be a JSON object such as {\"worker\":\"send_digest\","
                    + "\"class\":\"MailTasks\",\"params\":{}}");
        }
        JsonNode worker = root.get("worker");
        if (worker == null || !worker.isTextual() || worker.asText().isEmpty()) {
            throw new IllegalArgumentException("needs \"worker\", a non-empty string: the operation to run");
        }
        JsonNode taskClass = root.get("class");
        if (taskClass != null && !taskClass.isNull() && !taskClass.isTextual()) {
            throw new IllegalArgumentException("\"class\" must be a string");
        }
        if (root.has("_taskhost") || root.has(ScheduledPayload.FIELD)) {
            throw new IllegalArgumentException("\"_taskhost\" and \"" + ScheduledPayload.FIELD + "\" are taskhost's"
                    + " own fields");
        }
        return (ObjectNode) root;
    }

    /** @throws IllegalArgumentException if {@code text} is not one JSON value */
    static JsonNode json(String text) {
        try {
            JsonNode root = MAPPER.readTree(text);
            if (root == null || root.isMissingNode()) {
                throw new IllegalArgumentException("empty, where JSON was expected");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
    }
}
