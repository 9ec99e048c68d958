package io.taskhost.host.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.Host;
import io.taskhost.host.cli.Main;
import io.taskhost.host.queue.PauseFlags;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.PluginJarBuilder;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Recurring tasks on real hosts sharing a real Redis: config-file schedules, plugin schedules, restarts. */
class RecurringTasksTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    private final TestRedis redis = TestRedis.shared();
    private final String queue = TestHosts.uniqueQueue();

    private static Schedule everyTwoSeconds(String catchUp) {
        return Schedule.configured("pulse", Map.of("every", "2s", "catch-up", catchUp,
                "payload", "{\"worker\":\"pulse\",\"class\":\"Pulses\",\"params\":{}}"));
    }

    private Host host(String id, Schedule... schedules) throws IOException {
        Path plugins = Files.createDirectories(temp.resolve("plugins-" + id));
        return TestHosts.start(TestHosts.builder(redis, queue, plugins, temp.resolve("cache-" + id))
                .hostId(id).workers(1).schedules(List.of(schedules)).build());
    }

    /** The scheduled payloads waiting in the paused queue, oldest first. */
    private List<JsonNode> waiting() {
        List<JsonNode> payloads = new ArrayList<>();
        for (String json : redis.client().lrange(new QueueKeys(queue).queue(), 0, -1)) {
            try {
                payloads.add(0, MAPPER.readTree(json));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return payloads;
    }

    private List<JsonNode> awaitWaiting(int count) {
        return Eventually.value(DEADLINE, count + " scheduled payloads in " + queue, () -> {
            List<JsonNode> payloads = waiting();
            return payloads.size() >= count ? payloads : null;
        });
    }

    private static Instant occurrence(JsonNode payload) {
        return Instant.parse(payload.path("_schedule").path("occurrence").asText());
    }

    private static boolean caughtUp(JsonNode payload) {
        return payload.path("_schedule").path("catchUp").asBoolean(false);
    }

    private void pauseTheQueue() {
        new PauseFlags(redis.client(), new QueueKeys(queue)).pause(Optional.empty());
    }

    @Test
    void threeHostsSharingAScheduleEnqueueEachOccurrenceExactlyOnce() throws Exception {
        pauseTheQueue();
        try (Host first = host("first", everyTwoSeconds("once"));
             Host second = host("second", everyTwoSeconds("once"));
             Host third = host("third", everyTwoSeconds("once"))) {
            List<JsonNode> payloads = awaitWaiting(10);
            Map<Instant, Integer> perOccurrence = new TreeMap<>();
            payloads.forEach(payload -> perOccurrence.merge(occurrence(payload), 1, Integer::sum));
            perOccurrence.forEach((at, count) -> assertEquals(1, count, "enqueues of occurrence " + at));
            List<Instant> occurrences = new ArrayList<>(perOccurrence.keySet());
            long leftOut = 0;
            for (int i = 1; i < occurrences.size(); i++) {
                leftOut += Duration.between(occurrences.get(i - 1), occurrences.get(i)).toSeconds() / 2 - 1;
            }
            long catchUps = payloads.stream().filter(RecurringTasksTest::caughtUp).count();
            assertTrue(leftOut <= catchUps, "an occurrence left out is one that all three hosts missed, and is caught"
                    + " up: " + occurrences);
        }
    }

    @Test
    void afterARestartCatchUpOnceEnqueuesOneRunForTheMissedOccurrences() throws Exception {
        List<JsonNode> afterRestart = restartAfterMissedOccurrences("once");
        assertTrue(caughtUp(afterRestart.get(0)), "the first run after the restart catches up: " + afterRestart);
    }

    @Test
    void afterARestartCatchUpSkipEnqueuesNoneOfTheMissedOccurrences() throws Exception {
        List<JsonNode> afterRestart = restartAfterMissedOccurrences("skip");
        assertEquals(0, afterRestart.stream().filter(RecurringTasksTest::caughtUp).count(), afterRestart.toString());
    }

    /** Runs a host, stops it, lets three occurrences pass, starts another: the payloads enqueued since. */
    private List<JsonNode> restartAfterMissedOccurrences(String catchUp) throws Exception {
        pauseTheQueue();
        Instant lastBeforeStop;
        try (Host before = host("before", everyTwoSeconds(catchUp))) {
            lastBeforeStop = occurrence(awaitWaiting(2).get(1));
        }
        int enqueuedBefore = waiting().size();
        lastBeforeStop = occurrence(waiting().get(enqueuedBefore - 1));
        Instant missedUntil = lastBeforeStop.plusSeconds(8);
        Eventually.within(DEADLINE, "three occurrences to pass with no host", () -> Instant.now().isAfter(missedUntil));
        try (Host after = host("after", everyTwoSeconds(catchUp))) {
            List<JsonNode> payloads = awaitWaiting(enqueuedBefore + 3);
            List<JsonNode> afterRestart = payloads.subList(enqueuedBefore, payloads.size());
            assertTrue(occurrence(afterRestart.get(0)).isAfter(missedUntil.minusSeconds(1)),
                    "nothing for the occurrences missed in between, one by one: " + afterRestart);
            for (int i = 1; i < afterRestart.size(); i++) {
                Duration gap = Duration.between(occurrence(afterRestart.get(i - 1)), occurrence(afterRestart.get(i)));
                assertTrue(gap.toMillis() >= 2000 && gap.toMillis() % 2000 == 0, "each occurrence once, in order: "
                        + afterRestart);
                // A host that a loaded machine stalls for longer than the period misses occurrences while it
                // runs too, and catches up on them as on a restart: only a run right after its predecessor must
                // be an ordinary one.
                if (gap.equals(Duration.ofSeconds(2))) {
                    assertFalse(caughtUp(afterRestart.get(i)), "then it resumes: " + afterRestart);
                }
            }
            return afterRestart;
        }
    }

    /** A plugin whose {@code _task_tick} runs every second, and returns the params the schedule gives it. */
    private static PluginJarBuilder ticker() {
        return PluginJarBuilder.plugin("ticker", "1.0.0").source("com.example.ticker.Ticker", """
                package com.example.ticker;

                import io.taskhost.api.TaskSchedule;
                import io.taskhost.api.TaskWorker;
                import java.util.Map;
                import org.pf4j.Extension;

                @Extension
                public class Ticker implements TaskWorker {
                    @TaskSchedule(every = "1s", params = "{\\"kind\\":\\"tick\\"}")
                    public Object _task_tick(Map<String, Object> params) {
                        return params.get("kind");
                    }

                    public String _task_plain() {
                        return "not scheduled";
                    }
                }
                """);
    }

    @Test
    void aPluginsScheduleRunsWhileItsJarIsActiveAndStopsWhenTheJarIsRemoved() throws Exception {
        String pluginSchedule = "ticker:Ticker#tick";
        Schedule clock = Schedule.configured("clock", Map.of("every", "1s",
                "payload", "{\"worker\":\"clock\",\"class\":\"Nobody\"}"));
        try (Host host = host("solo", clock); var probe = new QueueProbe(redis, queue)) {
            Path plugins = temp.resolve("plugins-solo");
            ticker().buildInto(plugins, "ticker.jar");
            List<JsonNode> ticks = probe.awaitOutcomes("tick", 2);
            assertEquals("passed", ticks.get(0).path("status").asText(), ticks.get(0).toString());
            assertEquals("tick", ticks.get(0).path("result").asText());
            assertEquals("Ticker", ticks.get(0).path("class").asText());

            String listed = Eventually.value(DEADLINE, "the plugin's schedule listed", () -> {
                String out = taskhost("schedules");
                return out.contains(pluginSchedule) ? out : null;
            });
            assertTrue(listed.contains(pluginSchedule + "  from plugin ticker@1.0.0 (ticker.jar)  every 1s"), listed);
            assertTrue(listed.contains("clock  from config file  every 1s"), listed);
            assertFalse(listed.contains("last never"), listed);

            Files.delete(plugins.resolve("ticker.jar"));
            Eventually.within(DEADLINE, "Ticker unroutable", () -> host.catalog().routes().route("Ticker").isEmpty());
            String stateKey = new QueueKeys(queue).schedule(pluginSchedule);
            String lastAtRemoval = Eventually.value(DEADLINE, "the last tick to settle", () -> {
                String last = redis.client().hget(stateKey, "last");
                return taskhost("schedules").contains(pluginSchedule) ? null : last;
            });
            String clockKey = new QueueKeys(queue).schedule("clock");
            long clockAtRemoval = Long.parseLong(redis.client().hget(clockKey, "last"));
            Eventually.within(DEADLINE, "three more occurrences of the config file's schedule",
                    () -> Long.parseLong(redis.client().hget(clockKey, "last")) >= clockAtRemoval + 3000);
            assertEquals(lastAtRemoval, redis.client().hget(stateKey, "last"), "no tick after the jar was removed");
            assertFalse(taskhost("schedules").contains(pluginSchedule));
        }
    }

    private String taskhost(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var commandLine = new CommandLine(new Main());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--redis", redis.url(), "--queue", queue));
        int code = commandLine.execute(all.toArray(String[]::new));
        assertEquals(0, code, err.toString());
        return out.toString();
    }
}
