package io.taskhost.host.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.failures.DeadLetter;
import io.taskhost.host.failures.DeadLetters;
import io.taskhost.host.payload.TaskEnvelope;
import io.taskhost.host.plugins.CatalogSnapshot;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.retries.WaitingRetries;
import io.taskhost.host.schedules.ScheduleStatus;
import io.taskhost.host.status.QueueStatus;
import io.taskhost.host.status.StatusReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * What the dashboard's pages and its {@code /api/} show, read from Redis a page at a time: every
 * list is read by ranges, never whole. The queue's counts and hosts come from {@link StatusReader},
 * the dead letters from {@link DeadLetters}, as {@code taskhost status} and {@code taskhost failed}
 * read them.
 */
final class DashboardData {

    /** Minutes the overview's chart shows. */
    static final int CHART_MINUTES = 180;
    /** Dead letters one page shows at most. */
    static final int MAX_PAGE = 100;
    /** Dead letters one filtered request looks at, at most, from its offset on. */
    static final int FILTER_WINDOW = 10_000;
    /** Characters of a payload a list shows; the API's answers too. */
    static final int PAYLOAD_SHOWN = 300;
    /** Entries of one host's processing list the in-flight page shows at most. */
    static final int IN_FLIGHT_SHOWN = 100;

    /** One minute of the queue's outcomes, as every host recorded them. */
    record Minute(long epochMinute, long passed, long failed) {
    }

    record Overview(QueueStatus status, long inFlight, List<Minute> minutes) {
    }

    /** One queue as {@code /api/overview} shows it. */
    record QueueSummary(String queue, long waiting, long inFlight, long retrying, long parked, long dead,
                        long delayed, Double delayedOldestDue, boolean paused, Map<String, Long> counters,
                        List<Minute> minutes) {

        static QueueSummary of(Overview overview) {
            QueueStatus status = overview.status();
            return new QueueSummary(status.queue(), status.waiting(), overview.inFlight(), status.retrying(),
                    status.parked(), status.dead(), status.delayed(), status.delayedOldestDue(), status.paused(),
                    status.counters(), overview.minutes());
        }
    }

    /** A dead letter as a list shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LetterSummary(String id, String taskClass, String worker, String task, String cause, String reason,
                         Long finishedAt, String host, Integer attempt, int payloadBytes) {
    }

    record LetterPage(String queue, long total, long offset, int limit, long scanned, long nextOffset,
                      Filter filter, List<LetterSummary> letters) {
    }

    /**
     * @param payload       the payload as text; null when it is not UTF-8
     * @param payloadBase64 its bytes
     */
    record LetterDetail(String id, String task, JsonNode record, String payload, String payloadBase64) {
    }

    /** What a dead letter's class, worker and cause must equal; blank matches any. */
    record Filter(String taskClass, String worker, String cause) implements Predicate<DeadLetter> {

        Filter {
            taskClass = blankToNull(taskClass);
            worker = blankToNull(worker);
            cause = blankToNull(cause);
        }

        boolean any() {
            return taskClass != null || worker != null || cause != null;
        }

        @Override
        public boolean test(DeadLetter letter) {
            return matches(taskClass, letter.record().path("class").asText(""))
                    && matches(worker, letter.record().path("worker").asText(""))
                    && matches(cause, letter.cause());
        }

        private static boolean matches(String wanted, String actual) {
            return wanted == null || wanted.equals(actual);
        }

        private static String blankToNull(String text) {
            return text == null || text.isBlank() ? null : text.trim();
        }
    }

    /**
     * A task in a host's processing list, with what its host publishes while it runs
     * ({@link QueueKeys#running}); those are null before its worker JVM is chosen, and for a host
     * that publishes nothing.
     *
     * @param launch how its JVM was launched: {@code cold}, {@code spare} or {@code reused}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InFlight(String host, String entryId, String task, int attempt, int payloadBytes, Long pid, Long startedAt,
                    Long elapsedMs, String launch) {
    }

    record HostPlugins(String host, CatalogSnapshot snapshot, String error) {
    }

    /**
     * A retry or a delayed task waiting for its time.
     *
     * @param id        {@link DelayedTasks#idOf its id}, which Run now and Delete name
     * @param dueMillis when it goes onto the queue, epoch millis
     * @param attempt   the attempt it will be (retries only)
     * @param payload   its first {@value #PAYLOAD_SHOWN} characters
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Waiting(String id, long dueMillis, String task, Integer attempt, String payload, int payloadBytes) {
    }

    /** @param set {@code delayed} or {@code retries} */
    record WaitingPage(String queue, String set, long total, long offset, int limit, long nextOffset,
                       List<Waiting> tasks) {
    }

    /**
     * A task parked until a plugin provides its class.
     *
     * @param giveUpAtMillis when it is dead-lettered if no plugin came, epoch millis
     */
    record Parked(String entryId, String taskClass, String task, long giveUpAtMillis, String payload,
                  int payloadBytes) {
    }

    /** @param taskClass the class whose index was read; null for every parked task */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ParkedPage(String queue, String taskClass, long total, long offset, int limit, long nextOffset,
                      List<Parked> tasks) {
    }

    private final UnifiedJedis redis;
    private final ObjectMapper mapper;
    private final Clock clock;

    DashboardData(UnifiedJedis redis, ObjectMapper mapper, Clock clock) {
        this.redis = redis;
        this.mapper = mapper;
        this.clock = clock;
    }

    Overview overview(QueueKeys keys) {
        QueueStatus status = new StatusReader(redis, keys, mapper).read();
        long inFlight = status.hosts().stream().mapToLong(QueueStatus.HostStatus::inFlight).sum();
        return new Overview(status, inFlight, minutes(keys));
    }

    QueueStatus status(QueueKeys keys) {
        return new StatusReader(redis, keys, mapper).read();
    }

    /** The last {@link #CHART_MINUTES} minutes, oldest first, the current one last. */
    List<Minute> minutes(QueueKeys keys) {
        long now = Math.floorDiv(clock.millis(), 60_000L);
        List<Response<List<String>>> replies = new ArrayList<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (long minute = now - CHART_MINUTES + 1; minute <= now; minute++) {
                replies.add(pipeline.hmget(keys.minute(minute), "passed", "failed"));
            }
            pipeline.sync();
        }
        List<Minute> minutes = new ArrayList<>();
        for (int i = 0; i < replies.size(); i++) {
            List<String> counts = replies.get(i).get();
            minutes.add(new Minute(now - CHART_MINUTES + 1 + i, number(counts.get(0)), number(counts.get(1))));
        }
        return minutes;
    }

    LetterPage deadLetters(QueueKeys keys, long offset, int limit, Filter filter) {
        int window = filter.any() ? FILTER_WINDOW : limit;
        DeadLetters.Page page = new DeadLetters(redis, keys).page(offset, limit, filter, window);
        List<LetterSummary> letters = page.letters().stream().map(this::summary).toList();
        return new LetterPage(keys.queue(), page.total(), page.offset(), limit, page.scanned(), page.nextOffset(),
                filter, letters);
    }

    Optional<LetterDetail> deadLetter(QueueKeys keys, String id) {
        return new DeadLetters(redis, keys).find(id).map(letter -> new LetterDetail(letter.id(), letter.task(),
                letter.record(), letter.payloadText().orElse(null),
                Base64.getEncoder().encodeToString(letter.payload())));
    }

    /** The ids of the dead letters that {@code filter} accepts among the first {@link #FILTER_WINDOW}. */
    List<String> matching(QueueKeys keys, Filter filter) {
        return new DeadLetters(redis, keys).page(0, FILTER_WINDOW, filter, FILTER_WINDOW).letters().stream()
                .map(DeadLetter::id).toList();
    }

    List<InFlight> inFlight(QueueKeys keys) {
        List<InFlight> tasks = new ArrayList<>();
        for (String host : new TreeSet<>(redis.hkeys(keys.hosts()))) {
            List<byte[]> entries = redis.lrange(keys.processing(host).getBytes(StandardCharsets.UTF_8), 0,
                    IN_FLIGHT_SHOWN - 1);
            Map<String, String> running = entries.isEmpty() ? Map.of() : redis.hgetAll(keys.running(host));
            long now = clock.millis();
            for (byte[] bytes : entries) {
                TaskEntry entry = TaskEntry.read(bytes);
                JsonNode published = published(running.get(entry.id()));
                Long startedAt = published.path("startedAt").canConvertToLong() ? published.path("startedAt").asLong()
                        : null;
                tasks.add(new InFlight(host, entry.id(), task(entry.payload()),
                        TaskEnvelope.read(entry.payload(), mapper).attempt(), entry.payload().length,
                        published.path("pid").canConvertToLong() ? published.path("pid").asLong() : null, startedAt,
                        startedAt == null ? null : Math.max(0, now - startedAt), textOrNull(published, "launch")));
            }
        }
        return tasks;
    }

    private JsonNode published(String json) {
        try {
            JsonNode node = json == null ? null : mapper.readTree(json);
            return node != null && node.isObject() ? node : mapper.createObjectNode();
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    List<HostPlugins> plugins(QueueKeys keys) {
        List<HostPlugins> hosts = new ArrayList<>();
        for (String host : new TreeSet<>(redis.hkeys(keys.hosts()))) {
            String json = redis.get(keys.plugins(host));
            if (json == null) {
                hosts.add(new HostPlugins(host, null, "no snapshot in " + keys.plugins(host)));
                continue;
            }
            try {
                hosts.add(new HostPlugins(host, mapper.readValue(json, CatalogSnapshot.class), null));
            } catch (IOException e) {
                hosts.add(new HostPlugins(host, null, "unreadable snapshot in " + keys.plugins(host)));
            }
        }
        return hosts;
    }

    /** A page of the delayed set, due first first: one {@code ZCARD} and one {@code ZRANGE}. */
    WaitingPage delayed(QueueKeys keys, long offset, int limit) {
        var delayed = new DelayedTasks(redis, keys);
        long total = delayed.count();
        List<Waiting> tasks = delayed.page(offset, limit).stream().map(task -> new Waiting(task.id(),
                (long) Math.floor(task.due() * 1000), task(task.payload()), null, cut(task.payload()),
                task.payload().length)).toList();
        return new WaitingPage(keys.queue(), "delayed", total, offset, limit, next(offset, tasks.size(), total), tasks);
    }

    /** A page of the retry set, due first first: one {@code ZCARD} and one {@code ZRANGE}. */
    WaitingPage retries(QueueKeys keys, long offset, int limit) {
        var retries = new WaitingRetries(redis, keys);
        long total = retries.count();
        List<Waiting> tasks = retries.page(offset, limit).stream().map(retry -> new Waiting(retry.id(),
                retry.dueMillis(), task(retry.payload()), TaskEnvelope.read(retry.payload(), mapper).attempt(),
                cut(retry.payload()), retry.payload().length)).toList();
        return new WaitingPage(keys.queue(), "retries", total, offset, limit, next(offset, tasks.size(), total), tasks);
    }

    /**
     * A page of the parked tasks, the first to give up first: of every class, or from the index of
     * {@code taskClass}. One {@code ZCARD} and one {@code ZRANGE}.
     */
    ParkedPage parked(QueueKeys keys, String taskClass, long offset, int limit) {
        String set = taskClass == null ? keys.parked() : keys.parkedFor(taskClass);
        long total = redis.zcard(set);
        List<Parked> tasks = new ArrayList<>();
        for (Tuple member : redis.zrangeWithScores(set.getBytes(StandardCharsets.UTF_8), offset, offset + limit - 1)) {
            TaskEntry entry = TaskEntry.read(member.getBinaryElement());
            tasks.add(new Parked(entry.id(), field(entry.payload(), "class"), task(entry.payload()),
                    (long) member.getScore(), cut(entry.payload()), entry.payload().length));
        }
        return new ParkedPage(keys.queue(), taskClass, total, offset, limit, next(offset, tasks.size(), total), tasks);
    }

    /** What {@code taskhost schedules} shows of the schedules that enqueue onto this queue. */
    List<ScheduleStatus> schedules(QueueKeys keys) {
        return ScheduleStatus.read(redis, keys, clock.instant());
    }

    private static long next(long offset, int shown, long total) {
        return offset + shown < total ? offset + shown : -1;
    }

    /** The first {@value #PAYLOAD_SHOWN} characters of a payload, invalid UTF-8 as U+FFFD. */
    static String cut(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        return text.length() <= PAYLOAD_SHOWN ? text : text.substring(0, PAYLOAD_SHOWN) + "…";
    }

    private String field(byte[] payload, String name) {
        try {
            JsonNode root = mapper.readTree(payload);
            return root == null ? "" : root.path(name).asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private LetterSummary summary(DeadLetter letter) {
        JsonNode record = letter.record();
        return new LetterSummary(letter.id(), textOrNull(record, "class"), textOrNull(record, "worker"), letter.task(),
                letter.cause(), letter.reason(), letter.finishedAt().map(instant -> instant.toEpochMilli()).orElse(null),
                textOrNull(record, "host"), record.path("attempt").canConvertToInt() ? record.path("attempt").asInt()
                        : null, letter.payload().length);
    }

    /** {@code class.worker} of a payload, or what there is of it. */
    private String task(byte[] payload) {
        try {
            JsonNode root = mapper.readTree(payload);
            String worker = root == null ? "" : root.path("worker").asText("");
            String taskClass = root == null ? "" : root.path("class").asText("");
            if (worker.isEmpty()) {
                return DeadLetter.UNPARSED_PAYLOAD;
            }
            return taskClass.isEmpty() ? worker : taskClass + "." + worker;
        } catch (IOException e) {
            return DeadLetter.UNPARSED_PAYLOAD;
        }
    }

    private static String textOrNull(JsonNode record, String field) {
        JsonNode value = record.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private static long number(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
