package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.schedules.Schedule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file's schedule keys, read as {@code taskhost run} reads them. */
class ScheduleSettingsTest {

    @TempDir
    Path temp;

    @Test
    void everyScheduleOfTheConfigFileIsRead() {
        var file = new Properties();
        file.setProperty("schedule.digest.cron", "0 7 * * MON-FRI");
        file.setProperty("schedule.digest.zone", "Europe/Berlin");
        file.setProperty("schedule.digest.payload", "{\"worker\":\"send_digest\",\"class\":\"MailTasks\"}");
        file.setProperty("schedule.pulse.every", "30s");
        file.setProperty("schedule.pulse.payload", "{\"worker\":\"check_feeds\"}");
        file.setProperty("queue", "jobs");
        List<Schedule> schedules = new SettingsDefaults(Map.of(), file).schedules();
        assertEquals(List.of("digest", "pulse"), schedules.stream().map(Schedule::name).toList());
        assertEquals("cron 0 7 * * MON-FRI Europe/Berlin", schedules.get(0).recurrence().describe());
    }

    @Test
    void aKeyWithoutASettingIsRefusedByName() {
        var file = new Properties();
        file.setProperty("schedule.digest", "0 7 * * *");
        var refused = assertThrows(IllegalArgumentException.class, () -> new SettingsDefaults(Map.of(), file).schedules());
        assertTrue(refused.getMessage().startsWith("schedule.digest: expected schedule.<name>.<setting>"),
                refused.getMessage());
    }

    @Test
    void aHostWithABadScheduleDoesNotStartAndSaysWhichKey() throws Exception {
        Path config = Files.writeString(temp.resolve("taskhost.properties"), """
                schedule.digest.cron=0 25 * * *
                schedule.digest.payload={"worker":"send_digest"}
                """);
        String[] args = {"run", "--config", config.toString(), "--redis", "redis://127.0.0.1:1"};
        var commandLine = Main.commandLine(args);
        var err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        assertEquals(2, commandLine.execute(args));
        assertTrue(err.toString().contains("invalid setting: schedule.digest.cron: '0 25 * * *' is not a valid cron"
                + " expression"), err.toString());
    }

    @Test
    void aPayloadTooLargeForTheHostIsRefusedAtStart() throws Exception {
        Path config = Files.writeString(temp.resolve("taskhost.properties"), """
                max-payload-bytes=300
                schedule.digest.every=1h
                schedule.digest.payload={"worker":"send_digest","params":{"text":"%s"}}
                """.formatted("x".repeat(200)));
        String[] args = {"run", "--config", config.toString(), "--redis", "redis://127.0.0.1:1"};
        var commandLine = Main.commandLine(args);
        var err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        assertEquals(2, commandLine.execute(args));
        assertTrue(err.toString().contains("invalid setting: schedule.digest.payload: with the run's _schedule field"),
                err.toString());
    }
}
