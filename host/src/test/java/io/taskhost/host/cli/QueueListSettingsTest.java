package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.config.HostSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A list of queues comes from the flag, TASKHOST_QUEUE or the config file's queue key alike. */
class QueueListSettingsTest {

    private static HostSettings parse(Map<String, String> environment, Properties file, String... args) {
        var run = new RunCommand();
        var commandLine = new CommandLine(run);
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.setDefaultValueProvider(new SettingsDefaults(environment, file));
        commandLine.parseArgs(args);
        return run.options.toSettings(Map.of());
    }

    @Test
    void aStrictListFromTheEnvironmentKeepsItsFirstQueueAsTheHostsQueue() {
        HostSettings settings = parse(Map.of("TASKHOST_QUEUE", "urgent,normal"), new Properties());
        assertEquals(List.of("urgent", "normal"), settings.queues().names());
        assertFalse(settings.queues().weighted());
        assertEquals("urgent", settings.queue());
    }

    @Test
    void aWeightedListFromTheConfigFile() {
        var file = new Properties();
        file.setProperty("queue", "mail:5,reports:1");
        HostSettings settings = parse(Map.of(), file);
        assertTrue(settings.queues().weighted());
        assertEquals(List.of(5, 1), settings.queues().weights());
        assertEquals("mail", settings.queue());
    }

    @Test
    void oneQueueIsAsBefore() {
        HostSettings settings = parse(Map.of(), new Properties(), "--queue", "jobs");
        assertEquals(List.of("jobs"), settings.queues().names());
        assertEquals("jobs", settings.queue());
    }

    @Test
    void aBadListIsAnInvalidSettingNamingWhatIsWrong() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), new Properties(), "--queue", "a:5,b"));
        assertTrue(error.getMessage().contains("weighs some queues and not others"), error.getMessage());
    }
}
