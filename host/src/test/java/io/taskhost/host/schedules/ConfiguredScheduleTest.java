package io.taskhost.host.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The config file's {@code schedule.<name>.*} keys: what they make, and the errors that name the key to fix. */
class ConfiguredScheduleTest {

    private static final String PAYLOAD = "{\"worker\":\"send_digest\",\"class\":\"MailTasks\",\"params\":{}}";

    private static Map<String, String> settings(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    private static String refused(String name, Map<String, String> settings) {
        return assertThrows(IllegalArgumentException.class, () -> Schedule.configured(name, settings)).getMessage();
    }

    @Test
    void aCronScheduleWithItsDefaults() {
        Schedule digest = Schedule.configured("digest", settings("cron", "0 7 * * *", "payload", PAYLOAD));
        assertEquals("cron 0 7 * * * UTC", digest.recurrence().describe());
        assertEquals(CatchUp.ONCE, digest.catchUp());
        assertEquals(Optional.empty(), digest.queue());
        assertEquals("task_queue", digest.queueOr("task_queue"));
        assertEquals(Schedule.CONFIG_FILE, digest.source());
    }

    @Test
    void everySettingIsRead() {
        Schedule pulse = Schedule.configured("pulse", settings("every", "30s", "payload", PAYLOAD, "queue", "mail",
                "catch-up", "skip"));
        assertEquals("every 30s", pulse.recurrence().describe());
        assertEquals(CatchUp.SKIP, pulse.catchUp());
        assertEquals("mail", pulse.queueOr("task_queue"));
    }

    @Test
    void eachMistakeNamesItsKey() {
        assertTrue(refused("digest", settings("cron", "0 7 * *", "payload", PAYLOAD))
                .startsWith("schedule.digest.cron: '0 7 * *' has 4 fields"));
        assertTrue(refused("digest", settings("cron", "0 25 * * *", "payload", PAYLOAD))
                .startsWith("schedule.digest.cron: '0 25 * * *' is not a valid cron expression"));
        assertTrue(refused("digest", settings("cron", "0 7 * * *", "zone", "Europe/Nowhere", "payload", PAYLOAD))
                .startsWith("schedule.digest.zone: "));
        assertTrue(refused("digest", settings("cron", "0 7 * * *", "every", "1h", "payload", PAYLOAD))
                .contains("set exactly one of schedule.digest.every and schedule.digest.cron, not both"));
        assertTrue(refused("digest", settings("payload", PAYLOAD)).contains("set exactly one of"));
        assertTrue(refused("digest", settings("every", "1h", "zone", "UTC", "payload", PAYLOAD))
                .startsWith("schedule.digest.zone: applies to schedule.digest.cron only"));
        assertTrue(refused("digest", settings("every", "soon", "payload", PAYLOAD))
                .startsWith("schedule.digest.every: 'soon' is not a duration"));
        assertTrue(refused("digest", settings("every", "1h", "payload", "{\"worker\":")).startsWith(
                "schedule.digest.payload: not valid JSON"));
        assertTrue(refused("digest", settings("every", "1h", "payload", "{\"class\":\"MailTasks\"}")).startsWith(
                "schedule.digest.payload: needs \"worker\""));
        assertTrue(refused("digest", settings("every", "1h", "payload", "{\"worker\":\"a\"} {}")).startsWith(
                "schedule.digest.payload: not valid JSON"));
        assertTrue(refused("digest", settings("every", "1h", "payload",
                "{\"worker\":\"a\",\"_taskhost\":{\"attempt\":9}}")).startsWith("schedule.digest.payload: "));
        assertTrue(refused("digest", settings("every", "1h")).startsWith("schedule.digest.payload: missing"));
        assertTrue(refused("digest", settings("every", "1h", "payload", PAYLOAD, "catch-up", "all"))
                .startsWith("schedule.digest.catch-up: 'all' is no catch-up; use skip or once"));
        assertTrue(refused("digest", settings("every", "1h", "payload", PAYLOAD, "queue", "{x}"))
                .startsWith("schedule.digest.queue: "));
        assertTrue(refused("digest", settings("every", "1h", "payload", PAYLOAD, "timezone", "UTC"))
                .startsWith("schedule.digest.timezone: a schedule's settings are"));
        assertTrue(refused("digest:x", settings("every", "1h", "payload", PAYLOAD)).startsWith("schedule.digest:x: "));
    }
}
