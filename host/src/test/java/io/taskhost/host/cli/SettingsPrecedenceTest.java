package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.taskhost.host.config.HostSettings;
import io.taskhost.host.limits.RunLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SettingsPrecedenceTest {

    @TempDir
    Path temp;

    private HostSettings parse(Map<String, String> environment, Properties file, String... args) {
        var run = new RunCommand();
        var commandLine = new CommandLine(run);
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.setDefaultValueProvider(new SettingsDefaults(environment, file));
        commandLine.parseArgs(args);
        return run.options.toSettings(Map.of());
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() {
        var file = new Properties();
        file.setProperty("queue", "from_file");
        file.setProperty("workers", "3");
        file.setProperty("task-timeout", "90s");
        file.setProperty("plugins-dir", "/srv/plugins");
        Map<String, String> environment = Map.of("TASKHOST_QUEUE", "from_env", "TASKHOST_WORKERS", "5");

        HostSettings settings = parse(environment, file, "--workers", "7");
        assertEquals(7, settings.workers());
        assertEquals("from_env", settings.queue());
        assertEquals(Duration.ofSeconds(90), settings.taskTimeout());
        assertEquals(Path.of("/srv/plugins"), settings.pluginsDir());
        assertEquals("redis://127.0.0.1:6379", settings.redisUrl());
        assertEquals(Duration.ofMinutes(30), parse(Map.of(), new Properties()).taskTimeout());
    }

    @Test
    void theConfigFileIsReadFromDisk() throws Exception {
        Path config = temp.resolve("taskhost.properties");
        Files.writeString(config, "redis=redis://cache.internal:6380/1\nshutdown-grace=2m\n");
        var defaults = SettingsDefaults.load(Map.of(), config);
        var run = new RunCommand();
        var commandLine = new CommandLine(run);
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.setDefaultValueProvider(defaults);
        commandLine.parseArgs();
        assertEquals("redis://cache.internal:6380/1", run.options.toSettings(Map.of()).redisUrl());
        assertEquals(Duration.ofMinutes(2), run.options.toSettings(Map.of()).shutdownGrace());
    }

    @Test
    void anInvalidValueNamesTheSetting() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), new Properties(), "--workers", "0"));
        assertEquals("workers must be at least 1, not 0", error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), new Properties(), "--redis", "http://x"));
    }

    @Test
    void classDataSharingIsOnUnlessAFlagTheEnvironmentOrTheFileTurnsItOff() {
        assertTrue(parse(Map.of(), new Properties()).classDataSharing());
        assertFalse(parse(Map.of(), new Properties(), "--no-class-data-sharing").classDataSharing());
        assertFalse(parse(Map.of(), new Properties(), "--class-data-sharing=false").classDataSharing());
        assertFalse(parse(Map.of("TASKHOST_CLASS_DATA_SHARING", "false"), new Properties()).classDataSharing());
        var file = new Properties();
        file.setProperty("class-data-sharing", "false");
        assertFalse(parse(Map.of(), file).classDataSharing());
        assertTrue(parse(Map.of(), file, "--class-data-sharing").classDataSharing());
    }

    @Test
    void theDefaultWorkerOptionsAreTheOnesTheTestkitUsesToo() {
        assertEquals(String.join(" ", io.taskhost.worker.WorkerProcess.DEFAULT_JVM_OPTIONS),
                HostOptions.DEFAULT_JVM_OPTIONS);
    }

    @Test
    void aPluginsLaunchSettingsOverrideTheHostsAndSayWhichKeyIsWrong() {
        var file = new Properties();
        file.setProperty("plugin.mail-tasks.tasks-per-worker", "500");
        file.setProperty("plugin.mail-tasks.warm-spares", "0");
        file.setProperty("plugin.mail-tasks.worker-jvm-options", "-Xint  -XX:+ExitOnOutOfMemoryError");
        RunLimits mail = new SettingsDefaults(Map.of(), file).pluginLimits().get("mail-tasks");
        HostSettings host = parse(Map.of(), new Properties(), "--warm-spares", "2");

        RunLimits resolved = mail.orElse(host.defaultLimits());
        assertEquals(500, resolved.tasksPerWorker());
        assertEquals(0, resolved.warmSpares());
        assertEquals(List.of("-Xint", "-XX:+ExitOnOutOfMemoryError", "-Xmx256m"), resolved.jvmOptionsWithHeap());
        RunLimits other = RunLimits.NONE.orElse(host.defaultLimits());
        assertEquals(1, other.tasksPerWorker());
        assertEquals(2, other.warmSpares());
        assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-Xmx256m"),
                other.jvmOptionsWithHeap());

        var bad = new Properties();
        bad.setProperty("plugin.mail-tasks.tasks-per-worker", "0");
        var error = assertThrows(IllegalArgumentException.class,
                () -> new SettingsDefaults(Map.of(), bad).pluginLimits());
        assertEquals("plugin.mail-tasks: tasks-per-worker must be at least 1, not 0", error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), new Properties(), "--warm-spares", "-1"));
    }

    @Test
    void durationsReadShortAndIsoForms() {
        var converter = new DurationConverter();
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(Duration.ofMinutes(5), converter.convert("5m"));
        assertEquals(Duration.ofHours(2), converter.convert("2h"));
        assertEquals(Duration.ofSeconds(45), converter.convert("PT45S"));
        assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("soon"));
    }
}
